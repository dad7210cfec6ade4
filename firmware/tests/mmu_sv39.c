/* MMU tests with Sv39 (see mmu_suite.h). */
#define SV_LEVELS 3
#include "mmu_suite.h"
