// Reading and writing NumPy .npy files (format versions 1.0-3.0) of float32
// and float64 C-order arrays: what the CLI, the tests and the examples use
// for grids on disk. Every header field and the file size are checked before
// anything is allocated; writes go to a temporary file in the destination's
// directory and are renamed over the destination only when complete.
#pragma once

#include "stencilforge/error.h"
#include "stencilforge/grid.h"

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace stencilforge::npy {

// What a header says, after validation.
struct Header {
    DType dtype = DType::f32;
    std::vector<std::int64_t> shape;  // numpy order: slowest axis first, x (unit stride) last
    std::size_t data_offset = 0;      // bytes before the payload (magic + lengths + header)
    std::size_t payload_bytes = 0;    // cells * sizeof(dtype)
};

// Which arrays a caller accepts: the number of dimensions (each extent is
// always required to be in [1, 2^31)).
struct Limits {
    int min_dims = 2;
    int max_dims = 3;
};

// numpy's name for a dtype: "float32" or "float64".
const char *numpy_name(DType dtype);

// Parses and validates the header at the start of `bytes` for a file of
// `file_size` bytes; `bytes` may hold only a prefix of the file. Throws Error
// naming the problem (magic, version, header length, descr, fortran_order,
// shape, size) with `what` (a file name) at the front.
Header parse_header(std::span<const std::byte> bytes, std::uint64_t file_size, const std::string &what,
                    Limits limits = {});

// An array read from a file, data in C order.
struct Array {
    Header header;
    std::unique_ptr<std::byte[]> data;

    std::vector<std::int64_t> extents() const;  // stencilforge order: x first
    ConstGridView view() const;
};

// Reads and validates a file's header only (as read() does; parallel
// readers then read their own part of the payload).
Header read_header(const std::filesystem::path &path, Limits limits = {});

// Reads a whole .npy file. Errors (missing file, not a .npy, bad header,
// wrong size, a short read, no memory) throw Error naming the file.
Array read(const std::filesystem::path &path, Limits limits = {});
// The same from memory (fuzzing, tests): `bytes` is the whole file.
Array from_bytes(std::span<const std::byte> bytes, const std::string &what, Limits limits = {});

// The standard header (version 1.0, padded with spaces so the payload starts
// at a multiple of 64 and ending in '\n', as numpy writes it).
std::string header_for(DType dtype, const std::vector<std::int64_t> &shape);

// A destination claimed before any compute: the constructor creates a
// temporary file next to `path` (so a missing or unwritable directory, or a
// `path` that is a directory, fails here, before work is done); commit()
// writes the array and renames it over `path`. Destroyed without a
// successful commit(), it removes the temporary file: `path` is untouched.
class PendingFile {
public:
    explicit PendingFile(const std::filesystem::path &path);
    ~PendingFile();
    PendingFile(const PendingFile &) = delete;
    PendingFile &operator=(const PendingFile &) = delete;

    void commit(DType dtype, const std::vector<std::int64_t> &shape, const void *data);
    void commit_text(std::string_view text);  // any other file written whole (a tuning record)
    // For a temporary file others filled (MPI-IO writes each rank's block into
    // temp_path()): closes it and renames it over `path`.
    void commit_written();
    const std::filesystem::path &path() const { return path_; }
    const std::filesystem::path &temp_path() const { return temp_; }

private:
    void discard() noexcept;
    void write_and_rename(std::initializer_list<std::pair<const char *, std::size_t>> pieces);
    std::filesystem::path path_, temp_;
    int fd_ = -1;
};

// One-shot write through a PendingFile.
void write(const std::filesystem::path &path, DType dtype, const std::vector<std::int64_t> &shape, const void *data);

}  // namespace stencilforge::npy
