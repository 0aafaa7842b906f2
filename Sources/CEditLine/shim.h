// Swift 6 cannot call libedit's variadic history() or read its globals:
// these static inline accessors wrap them (the _NumericsShims pattern).
#include <stdio.h>
#include <histedit.h>
#include <editline/readline.h>

static inline HistEvent *cel_history_event_new(void) {
    static HistEvent event;
    return &event;
}
static inline int cel_history_set_size(History *h, int size) {
    HistEvent ev; return history(h, &ev, H_SETSIZE, size);
}
static inline int cel_history_enter(History *h, const char *line) {
    HistEvent ev; return history(h, &ev, H_ENTER, line);
}
static inline int cel_history_load(History *h, const char *path) {
    HistEvent ev; return history(h, &ev, H_LOAD, path);
}
static inline int cel_history_save(History *h, const char *path) {
    HistEvent ev; return history(h, &ev, H_SAVE, path);
}
static inline int cel_history_set_unique(History *h, int unique) {
    HistEvent ev; return history(h, &ev, H_SETUNIQUE, unique);
}
static inline int cel_el_set_prompt(EditLine *el, char *(*prompt)(EditLine *)) {
    return el_set(el, EL_PROMPT, prompt);
}
static inline int cel_el_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}
static inline int cel_el_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}
static inline int cel_el_add_function(EditLine *el, const char *name, const char *help,
                                      unsigned char (*fn)(EditLine *, int)) {
    return el_set(el, EL_ADDFN, name, help, fn);
}
static inline int cel_el_bind(EditLine *el, const char *key, const char *fn) {
    return el_set(el, EL_BIND, key, fn, NULL);
}
static inline int cel_el_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}
static inline void *cel_el_get_client_data(EditLine *el) {
    void *data = NULL; el_get(el, EL_CLIENTDATA, &data); return data;
}
static inline int cel_el_source_default(EditLine *el) {
    return el_source(el, NULL);
}

// Line-buffered standard output, so logs interleave with progress bars on stderr
// (Swift 6 cannot touch the C global `stdout` directly).
static inline void cel_line_buffer_stdout(void) {
    setvbuf(stdout, NULL, _IOLBF, 0);
}
