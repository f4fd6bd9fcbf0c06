"""taospy's print-based debug switches (``taos.log``): messages go to stdout when enabled."""

show_info = True
show_warn = True
show_debug = False
show_debug1 = False
show_debug2 = False
show_debug3 = False


def setting(info, warn, debug, debug1, debug2, debug3):
    """Turns each level on or off."""
    global show_info, show_warn, show_debug, show_debug1, show_debug2, show_debug3
    show_info, show_warn, show_debug = info, warn, debug
    show_debug1, show_debug2, show_debug3 = debug1, debug2, debug3


def _emit(enabled, msg):
    if enabled:
        print(msg)


def info(msg):
    _emit(show_info, msg)


def warn(msg):
    _emit(show_warn, msg)


def debug(msg):
    _emit(show_debug, msg)


def debug1(msg):
    _emit(show_debug1, msg)


def debug2(msg):
    _emit(show_debug2, msg)


def debug3(msg):
    _emit(show_debug3, msg)
