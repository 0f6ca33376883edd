#include "node/version.h"
