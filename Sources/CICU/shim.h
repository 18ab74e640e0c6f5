#ifndef GRAPEVINE_CICU_SHIM_H
#define GRAPEVINE_CICU_SHIM_H
// ICU's UTS #39 spoof checker (Debian: libicu-dev), for pkg-config's flags and linking. Only the
// C target CICUSpoof includes ICU's headers: Swift code never imports them, because their types
// clash with those of the ICU that Foundation bundles (same C names, other definitions).
#include <unicode/uspoof.h>
#endif
