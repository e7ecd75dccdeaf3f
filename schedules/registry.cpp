// The table of named stencil schedules, filled by each schedule file at start-up.
#include "schedule.h"

namespace stencilforge::schedules {

std::map<std::string, StencilSchedule> &stencil_registry() {
    static std::map<std::string, StencilSchedule> registry;
    return registry;
}

}  // namespace stencilforge::schedules
