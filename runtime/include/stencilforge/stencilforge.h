// stencilforge: everything an app needs. See docs/semantics.md.
#pragma once

#include "stencilforge/catalog.h"
#include "stencilforge/conv.h"
#include "stencilforge/cuda.h"
#include "stencilforge/cpu.h"
#include "stencilforge/devices.h"
#include "stencilforge/error.h"
#include "stencilforge/grid.h"
#include "stencilforge/machine.h"
#include "stencilforge/npy.h"
#include "stencilforge/roofline.h"
#include "stencilforge/run.h"
#include "stencilforge/select.h"
#include "stencilforge/tuning.h"
