/* Floors for bench/run, built against the SQLite amalgamation strata bundles, so that strata is
 * compared with the same SQLite (the system `sqlite3` shell is often an older release).
 *
 *   floor exec DB < SQL     run the SQL on stdin against DB (like `sqlite3 DB < SQL`)
 *   floor read DIR          open, read and close every file in DIR (the I/O a tool must do to
 *                           look at every migration file), print the number of bytes
 */
#include <dirent.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sqlite3.h"

static int exec_stdin(const char *path) {
  size_t cap = 1 << 20, len = 0, n;
  char *buf = malloc(cap);
  while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
    len += n;
    if (cap - len < 2) buf = realloc(buf, cap *= 2);
  }
  buf[len] = 0;
  sqlite3 *db;
  char *err = 0;
  if (sqlite3_open(path, &db) != SQLITE_OK) {
    fprintf(stderr, "%s\n", sqlite3_errmsg(db));
    return 1;
  }
  if (sqlite3_exec(db, buf, 0, 0, &err) != SQLITE_OK) {
    fprintf(stderr, "%s\n", err);
    return 1;
  }
  return sqlite3_close(db) == SQLITE_OK ? 0 : 1;
}

static int read_dir(const char *dir) {
  DIR *d = opendir(dir);
  if (!d) {
    perror(dir);
    return 1;
  }
  static char buf[1 << 16];
  char path[4096];
  long long total = 0;
  struct dirent *e;
  while ((e = readdir(d))) {
    if (e->d_name[0] == '.') continue;
    snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
    int fd = open(path, O_RDONLY);
    if (fd < 0) {
      perror(path);
      return 1;
    }
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) total += n;
    close(fd);
  }
  closedir(d);
  printf("%lld\n", total);
  return 0;
}

int main(int argc, char **argv) {
  if (argc == 3 && strcmp(argv[1], "exec") == 0) return exec_stdin(argv[2]);
  if (argc == 3 && strcmp(argv[1], "read") == 0) return read_dir(argv[2]);
  fprintf(stderr, "usage: floor exec DB < SQL | floor read DIR\n");
  return 2;
}
