#ifndef GRAPEVINE_CICUSPOOF_H
#define GRAPEVINE_CICUSPOOF_H
// ICU's spoof checker behind plain C types. ICU's own types (UErrorCode and the rest) stay in
// CICUSpoof.c: Foundation bundles another ICU whose headers define the same C names
// differently, and a Swift module that saw both would not compile.
#include <stdint.h>

typedef struct gv_spoof_checker gv_spoof_checker;

/// A checker for UTS #39's highly restrictive level; NULL with ICU's error code in *error.
gv_spoof_checker *gv_spoof_open(int32_t *error);

void gv_spoof_close(gv_spoof_checker *checker);

/// Writes the UTS #39 skeleton of the UTF-8 `text` to `destination` and returns its length in
/// bytes. A length of `capacity` or more means it did not fit: call again with more room.
/// -1 when ICU fails.
int32_t gv_spoof_skeleton(const gv_spoof_checker *checker, const char *text, int32_t length, char *destination,
                          int32_t capacity);

/// 1 when the UTF-8 `text` mixes scripts beyond the highly restrictive level, 0 when it does
/// not, -1 when ICU fails.
int32_t gv_spoof_mixes_scripts(const gv_spoof_checker *checker, const char *text, int32_t length);

#endif
