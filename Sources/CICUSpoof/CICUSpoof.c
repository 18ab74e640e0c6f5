#include "CICUSpoof.h"
#include <unicode/uspoof.h>

gv_spoof_checker *gv_spoof_open(int32_t *error) {
    UErrorCode status = U_ZERO_ERROR;
    USpoofChecker *checker = uspoof_open(&status);
    if (U_SUCCESS(status)) uspoof_setChecks(checker, USPOOF_RESTRICTION_LEVEL, &status);
    if (U_SUCCESS(status)) uspoof_setRestrictionLevel(checker, USPOOF_HIGHLY_RESTRICTIVE);
    if (U_FAILURE(status)) {
        if (checker != NULL) uspoof_close(checker);
        *error = (int32_t)status;
        return NULL;
    }
    *error = 0;
    return (gv_spoof_checker *)checker;
}

void gv_spoof_close(gv_spoof_checker *checker) {
    uspoof_close((USpoofChecker *)checker);
}

int32_t gv_spoof_skeleton(const gv_spoof_checker *checker, const char *text, int32_t length, char *destination,
                          int32_t capacity) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t needed = uspoof_getSkeletonUTF8((const USpoofChecker *)checker, 0, text, length, destination, capacity,
                                            &status);
    if (status == U_BUFFER_OVERFLOW_ERROR || status == U_STRING_NOT_TERMINATED_WARNING) return needed;
    return U_FAILURE(status) ? -1 : needed;
}

int32_t gv_spoof_mixes_scripts(const gv_spoof_checker *checker, const char *text, int32_t length) {
    UErrorCode status = U_ZERO_ERROR;
    int32_t result = uspoof_check2UTF8((const USpoofChecker *)checker, text, length, NULL, &status);
    if (U_FAILURE(status)) return -1;
    return (result & USPOOF_RESTRICTION_LEVEL) != 0 ? 1 : 0;
}
