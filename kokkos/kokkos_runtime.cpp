// Kokkos start-up for the library: initialized lazily on the first Kokkos
// kernel, finalized at exit. Covers the API difference between Kokkos 3.x
// (InitArguments) and 4.x (InitializationSettings).
#include <Kokkos_Core.hpp>

#include <cstdlib>
#include <mutex>

#ifdef _OPENMP
#include <omp.h>
#endif

namespace stencilforge::kokkos {

void ensure_initialized() {
    static std::once_flag once;
    std::call_once(once, [] {
        if (Kokkos::is_initialized()) return;  // the application runs Kokkos itself
#ifdef _OPENMP
        const int threads = omp_get_max_threads();
#else
        const int threads = -1;
#endif
#if KOKKOS_VERSION >= 40000
        Kokkos::initialize(Kokkos::InitializationSettings().set_num_threads(threads).set_disable_warnings(true));
#else
        Kokkos::InitArguments args;
        args.num_threads = threads;
        args.disable_warnings = true;
        Kokkos::initialize(args);
#endif
        std::atexit([] {
            if (Kokkos::is_initialized()) Kokkos::finalize();
        });
    });
}

}  // namespace stencilforge::kokkos
