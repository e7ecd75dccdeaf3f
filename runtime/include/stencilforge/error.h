// The one exception type stencilforge throws.
#pragma once

#include <stdexcept>

namespace stencilforge {

// Every error the library reports: bad input (checked before anything is
// written) and failures inside a kernel.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// A run stopped by its caller's progress callback (see run()).
class Cancelled : public Error {
public:
    using Error::Error;
};

}  // namespace stencilforge
