// Device level: the hand-written CUDA stencil kernels, one __global__
// template per schedule. Shape, radius, dims, dtype, fused depth and the
// launch geometry are template parameters: one source serves every catalog
// variant. Semantics match the Halide algorithm (docs/semantics.md): interior
// cells get the weighted sum, cells within r of a face keep their value.
#pragma once

#include "block_tile.cuh"

namespace stencilforge::handwritten::cuda {

// A thread block's shape (x fastest).
template <int BX, int BY, int BZ = 1>
struct Block {
    static constexpr int x = BX, y = BY, z = BZ, threads = BX * BY * BZ;
};

// `naive`: one thread per cell, every neighbour read from device memory
// (the caches catch the reuse, if they can).
template <Pattern P, int R, int D, typename T>
__global__ void naive_step(const T *__restrict__ in, T *__restrict__ out, Extent e,
                           Coefficients<T, kTaps<P, R, D>> c) {
    const int x = blockIdx.x * blockDim.x + threadIdx.x;
    const int y = blockIdx.y * blockDim.y + threadIdx.y;
    const int z = blockIdx.z * blockDim.z + threadIdx.z;
    if (x >= e.nx || y >= e.ny || z >= e.nz) return;
    const long long at = x + e.sy * y + e.sz * z;
    out[at] = interior<R, D>(e, x, y, z)
                  ? weighted_sum<P, R, D, T>(c, [&](int dx, int dy, int dz) { return in[at + dx + e.sy * dy + e.sz * dz]; })
                  : in[at];
}

// `smem`: each block stages its tile plus halo in shared memory, then every
// thread reads its neighbourhood from there.
template <Pattern P, int R, int D, typename T, class B>
__global__ void __launch_bounds__(B::threads)
    smem_step(const T *__restrict__ in, T *__restrict__ out, Extent e, Coefficients<T, kTaps<P, R, D>> c) {
    constexpr int wx = B::x + 2 * R, wy = B::y + 2 * R, wz = D == 3 ? B::z + 2 * R : 1;
    __shared__ T tile[wx * wy * wz];
    const int x0 = blockIdx.x * B::x, y0 = blockIdx.y * B::y, z0 = D == 3 ? blockIdx.z * B::z : 0;
    load_tile(tile, in, e, x0 - R, y0 - R, D == 3 ? z0 - R : 0, wx, wy, wz);
    __syncthreads();
    const int x = x0 + threadIdx.x, y = y0 + threadIdx.y, z = z0 + threadIdx.z;
    if (x >= e.nx || y >= e.ny || z >= e.nz) return;
    const int l = (threadIdx.x + R) + wx * ((threadIdx.y + R) + wy * (D == 3 ? threadIdx.z + R : 0));
    out[x + e.sy * y + e.sz * z] =
        interior<R, D>(e, x, y, z)
            ? weighted_sum<P, R, D, T>(c, [&](int dx, int dy, int dz) { return tile[l + dx + wx * (dy + wy * dz)]; })
            : tile[l];
}

// `stream25d` (3D): each block owns a B::x x B::y column of the grid and walks
// `Column` planes of it in z. A star reads only the centre plane's x-y
// neighbours: that plane sits in shared memory, and each thread keeps its
// own cell's 2r+1 z values in registers, shifting one plane per step. A box
// reads x-y neighbours on every plane, so its 2r+1 planes form a shared ring.
template <Pattern P, int R, typename T, class B, int Column>
__global__ void __launch_bounds__(B::threads)
    stream25d_step(const T *__restrict__ in, T *__restrict__ out, Extent e, Coefficients<T, kTaps<P, R, 3>> c) {
    constexpr int wx = B::x + 2 * R, wy = B::y + 2 * R, W = 2 * R + 1;
    constexpr int planes = P == Pattern::star ? 1 : W;
    __shared__ T ring[planes * wx * wy];
    const int x0 = blockIdx.x * B::x, y0 = blockIdx.y * B::y, z0 = blockIdx.z * Column;
    const int z_end = min(z0 + Column, e.nz);
    const int x = x0 + threadIdx.x, y = y0 + threadIdx.y;
    const bool mine = x < e.nx && y < e.ny;
    const int l = (threadIdx.x + R) + wx * (threadIdx.y + R);
    if constexpr (P == Pattern::star) {
        const T *column = in + clamp_index(x, e.nx) + e.sy * clamp_index(y, e.ny);
        T q[W];  // q[R + dz] = this cell's value on plane z + dz
#pragma unroll
        for (int k = 0; k < W - 1; ++k) q[k + 1] = column[e.sz * clamp_index(z0 - R + k, e.nz)];
        for (int z = z0; z < z_end; ++z) {
#pragma unroll
            for (int k = 0; k < W - 1; ++k) q[k] = q[k + 1];
            q[W - 1] = column[e.sz * clamp_index(z + R, e.nz)];
            __syncthreads();  // the previous plane's readers are done
            ring[l] = q[R];
            // The halo of plane z; the tile's own cells came from registers.
            const int self = threadIdx.x + B::x * threadIdx.y;
            for (int i = self; i < wx * wy; i += B::threads) {
                const int lx = i % wx, ly = i / wx;
                if (lx >= R && lx < R + B::x && ly >= R && ly < R + B::y) continue;
                ring[i] = in[clamp_index(x0 - R + lx, e.nx) + e.sy * clamp_index(y0 - R + ly, e.ny) + e.sz * z];
            }
            __syncthreads();
            if (mine) {
                out[x + e.sy * y + e.sz * z] =
                    interior<R, 3>(e, x, y, z)
                        ? weighted_sum<P, R, 3, T>(c, [&](int dx, int dy, int dz) {
                              return dz == 0 ? ring[l + dx + wx * dy] : q[R + dz];
                          })
                        : q[R];
            }
        }
    } else {
        // Plane zz lives in slot (zz - z0 + R) % W; planes z0-R .. z0+R-1 first.
        for (int k = 0; k < W - 1; ++k) load_tile(ring + k * wx * wy, in, e, x0 - R, y0 - R, z0 - R + k, wx, wy, 1);
        for (int z = z0; z < z_end; ++z) {
            __syncthreads();
            load_tile(ring + ((z - z0 + 2 * R) % W) * wx * wy, in, e, x0 - R, y0 - R, z + R, wx, wy, 1);
            __syncthreads();
            if (mine) {
                const int centre = (z - z0 + R) % W;
                out[x + e.sy * y + e.sz * z] =
                    interior<R, 3>(e, x, y, z)
                        ? weighted_sum<P, R, 3, T>(c, [&](int dx, int dy, int dz) {
                              return ring[((z - z0 + R + dz) % W) * wx * wy + l + dx + wx * dy];
                          })
                        : ring[centre * wx * wy + l];
            }
        }
    }
}

// `temporal` (2D): Depth steps per launch in shared memory, the overlapped
// tiling of AN5D and EBISU. A block of BX x BY threads holds a BX x (BY*CY)
// tile, each thread CY cells of one column (rows BY apart, so a warp's
// accesses stay row-contiguous). Every step updates the tile in place
// (new values wait in registers across a barrier); after step s the cells
// within s*R of the tile's edge are stale, so the block writes back only its
// inner (BX - 2*R*Depth) x (BY*CY - 2*R*Depth) cells, and neighbouring
// blocks' tiles overlap by that halo. One read and one write of device
// memory per cell per Depth steps.
template <int BX, int BY, int CY>
struct TemporalTile {
    static constexpr int x = BX, y = BY * CY, threads = BX * BY, rows_per_thread = CY;
};

template <Pattern P, int R, typename T, int Depth, class Tile>
__global__ void __launch_bounds__(Tile::threads)
    temporal_steps(const T *__restrict__ in, T *__restrict__ out, Extent e, Coefficients<T, kTaps<P, R, 2>> c) {
    constexpr int H = R * Depth, TX = Tile::x, TY = Tile::y, CY = Tile::rows_per_thread;
    constexpr int OX = TX - 2 * H, OY = TY - 2 * H;  // the block's output
    static_assert(OX > 0 && OY > 0, "the tile must be wider than its halo");
    extern __shared__ __align__(16) unsigned char shared_bytes[];
    T *tile = reinterpret_cast<T *>(shared_bytes);
    const int gx0 = blockIdx.x * OX - H, gy0 = blockIdx.y * OY - H;
    load_tile(tile, in, e, gx0, gy0, 0, TX, TY, 1);
    __syncthreads();
    const int lx = threadIdx.x, gx = gx0 + lx;
    T next[CY];
    for (int s = 0; s < Depth; ++s) {
#pragma unroll
        for (int k = 0; k < CY; ++k) {
            const int ly = threadIdx.y + blockDim.y * k, l = lx + TX * ly;
            const bool update = lx >= R && lx < TX - R && ly >= R && ly < TY - R && interior<R, 2>(e, gx, gy0 + ly, 0);
            next[k] = update ? weighted_sum<P, R, 2, T>(c, [&](int dx, int dy, int) { return tile[l + dx + TX * dy]; })
                             : tile[l];
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < CY; ++k) tile[lx + TX * (threadIdx.y + blockDim.y * k)] = next[k];
        __syncthreads();
    }
    if (lx < H || lx >= H + OX || gx < 0 || gx >= e.nx) return;
#pragma unroll
    for (int k = 0; k < CY; ++k) {
        const int ly = threadIdx.y + blockDim.y * k, gy = gy0 + ly;
        if (ly >= H && ly < H + OY && gy >= 0 && gy < e.ny) out[gx + e.sy * gy] = next[k];
    }
}

// `temporal` (3D): Depth steps per launch, streamed along z (AN5D's scheme).
// A block of TX x TY threads owns a TX x TY x-y tile (one thread per column)
// and walks a column of `Column` planes. Each step keeps a ring of 2r+1
// planes in shared memory; at each z the input plane enters ring 0, and
// step s computes plane z - s*r from ring s-1 into ring s, one plane behind
// the step it feeds, until step Depth writes plane z - Depth*r to the
// output. x-y tiles overlap by the Depth*r halo, as in 2D; along z the
// column reads Depth*r extra planes at each end.
template <int TX, int TY, int Column>
struct Temporal3dTile {
    static constexpr int x = TX, y = TY, column = Column, threads = TX * TY;
};

template <Pattern P, int R, typename T, int Depth, class Tile>
__global__ void __launch_bounds__(Tile::threads)
    temporal3d_steps(const T *__restrict__ in, T *__restrict__ out, Extent e, Coefficients<T, kTaps<P, R, 3>> c) {
    constexpr int H = R * Depth, W = 2 * R + 1, TX = Tile::x, TY = Tile::y, plane = TX * TY;
    static_assert(TX > 2 * H && TY > 2 * H, "the tile must be wider than its halo");
    extern __shared__ __align__(16) unsigned char shared_bytes[];
    T *rings = reinterpret_cast<T *>(shared_bytes);  // [Depth][W][plane]: ring s holds step s
    const int lx = threadIdx.x, ly = threadIdx.y, l = lx + TX * ly;
    const int gx = blockIdx.x * (TX - 2 * H) - H + lx, gy = blockIdx.y * (TY - 2 * H) - H + ly;
    const int z0 = blockIdx.z * Tile::column, z_end = min(z0 + Tile::column, e.nz);
    const int first = z0 - H;  // ring s is valid from plane first + s*R
    const T *column = in + clamp_index(gx, e.nx) + e.sy * clamp_index(gy, e.ny);
    const bool inner_xy = lx >= R && lx < TX - R && ly >= R && ly < TY - R;
    const bool writes = lx >= H && lx < TX - H && ly >= H && ly < TY - H && gx < e.nx && gy < e.ny;
    auto slot = [&](int s, int p) { return rings + (s * W + (p - first) % W) * plane; };
    for (int zin = first; zin < z_end + H; ++zin) {
        slot(0, zin)[l] = column[e.sz * clamp_index(zin, e.nz)];
        __syncthreads();
        for (int s = 1; s <= Depth; ++s) {
            const int p = zin - s * R;
            if (p < first + s * R) break;  // this step has no complete neighbourhood yet
            T value = slot(s - 1, p)[l];
            if (inner_xy && interior<R, 3>(e, gx, gy, p)) {
                value = weighted_sum<P, R, 3, T>(c, [&](int dx, int dy, int dz) {
                    return slot(s - 1, p + dz)[l + dx + TX * dy];
                });
            }
            if (s == Depth) {
                if (writes && p >= z0 && p < z_end) out[gx + e.sy * gy + e.sz * p] = value;
            } else {
                slot(s, p)[l] = value;
            }
            __syncthreads();
        }
    }
}

}  // namespace stencilforge::handwritten::cuda
