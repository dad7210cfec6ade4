/* MMU tests with Sv48 (see mmu_suite.h). */
#define SV_LEVELS 4
#include "mmu_suite.h"
