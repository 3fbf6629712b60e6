/* Differential harness: cronie's own load_entry() parses each expression; the match is
 * cron.c's find_jobs() predicate, evaluated minute by minute in UTC. */
#define MAIN_PROGRAM 1
#include CRONIE_ENTRY_C
#include <time.h>

/* stubs for what entry.c links against */
int get_char(FILE *file) { return getc(file); }
void unget_char(int ch, FILE *file) { ungetc(ch, file); }
int get_string(char *string, int size, FILE *file, const char *terms) {
	int ch;
	while (EOF != (ch = get_char(file)) && !strchr(terms, ch)) {
		if (size > 1) { *string++ = (char)ch; size--; }
	}
	if (size > 0) *string = '\0';
	return ch;
}
void log_it(const char *u, PID_T p, const char *e, const char *d, int err) { (void)u;(void)p;(void)e;(void)d;(void)err; }
char *env_get(const char *name, char **envp) { (void)name; (void)envp; return NULL; }
char **env_copy(char **envp) { (void)envp; char **e = calloc(1, sizeof(char*)); return e; }
void env_free(char **envp) { free(envp); }
char **env_set(char **envp, const char *s) { (void)s; return envp; }
char **env_update_home(char **envp, const char *d) { (void)d; return envp; }
int glue_strings(char *buf, size_t size, const char *a, const char *b, char sep) { snprintf(buf, size, "%s%c%s", a, sep, b); return 1; }
struct passwd *pw_dup(const struct passwd *pw) { struct passwd *p = calloc(1, sizeof *p); p->pw_passwd = strdup(""); (void)pw; return p; }

static const char *last_error;
static void on_error(const char *msg) { last_error = msg; }

/* cron.c's find_jobs() predicate, split so whole days and hours that cannot match are skipped
 * (the answer is the same as testing every minute). */
static int day_matches(entry *e, struct tm *tm) {
	int dom = tm->tm_mday - FIRST_DOM, month = tm->tm_mon + 1 - FIRST_MONTH, dow = tm->tm_wday - FIRST_DOW;
	return bit_test(e->month, month) &&
		(((e->flags & DOM_STAR) || (e->flags & DOW_STAR))
			? (bit_test(e->dow, dow) && bit_test(e->dom, dom))
			: (bit_test(e->dow, dow) || bit_test(e->dom, dom)));
}

/* stdin: one "START_EPOCH<TAB>EXPR" per line. stdout: "error" / "reboot" / "never" / the next
 * five epochs, space-separated. */
int main(void) {
	char line[8192];
	struct passwd pw = { .pw_name = "u", .pw_passwd = "", .pw_dir = "/" };
	while (fgets(line, sizeof line, stdin)) {
		char *tab = strchr(line, '\t');
		if (!tab) { puts("bad-input"); continue; }
		*tab = 0;
		long long start = atoll(line);
		char *expr = tab + 1;
		size_t n = strlen(expr);
		if (n && expr[n-1] == '\n') expr[--n] = 0;
		char buf[9000];
		snprintf(buf, sizeof buf, "%s cmd\n", expr);
		FILE *f = fmemopen(buf, strlen(buf), "r");
		last_error = NULL;
		entry *e = load_entry(f, on_error, &pw, NULL);
		fclose(f);
		if (!e) { printf("error %s\n", last_error ? last_error : "?"); fflush(stdout); continue; }
		if (e->flags & WHEN_REBOOT) { puts("reboot"); fflush(stdout); continue; }
		int found = 0;
		time_t t = (time_t)(start - start % 60) + 60;
		time_t end = t + (time_t)100 * 366 * 86400; /* past a 28-year calendar cycle */
		while (t < end && found < 5) {
			struct tm tm;
			gmtime_r(&t, &tm);
			if (!day_matches(e, &tm)) { t += 60 * (60 * (24 - tm.tm_hour) - tm.tm_min); continue; }
			if (!bit_test(e->hour, tm.tm_hour - FIRST_HOUR)) { t += 60 * (60 - tm.tm_min); continue; }
			if (bit_test(e->minute, tm.tm_min - FIRST_MINUTE)) { printf(found ? " %lld" : "%lld", (long long)t); found++; }
			t += 60;
		}
		if (!found) printf("never");
		putchar('\n');
		fflush(stdout);
	}
	return 0;
}
