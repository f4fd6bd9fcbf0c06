// A "libtaos.so" that is not a usable taosc: it exports only taos_get_client_info and taos_init,
// so a loader that checks for its required functions must refuse it (and say which are missing).
#define FAKE_TAOSC_EXPORT extern "C" __attribute__((visibility("default")))

FAKE_TAOSC_EXPORT const char* taos_get_client_info(void) { return "3.3.6.0-fake-broken"; }
FAKE_TAOSC_EXPORT int taos_init(void) { return 0; }
