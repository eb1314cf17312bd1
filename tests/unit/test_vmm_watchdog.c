/* Unit tests for the timeout thread (vmm/watchdog.c): its hang exit, what it says, does first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cmocka.h>

#include "../../vmm/watchdog.h"

#define HANG_MSG "in KVM_RUN\n"
#define HANG_STATUS 77
#define BEFORE_EXIT_MSG "restored\n"

/* What the hang exit is told to do first (shoji restores the terminal). */
static void before_exit(void)
{
	ssize_t n = write(STDERR_FILENO, BEFORE_EXIT_MSG, strlen(BEFORE_EXIT_MSG));
	(void)n;
}

/*
 * Runs a child whose "vCPU thread" ignores every kick (it never calls
 * watchdog_ack): the watchdog must end it after its grace time.  @mark
 * says whether the child calls watchdog_in_kvm_run(false) first.
 * Returns what the child wrote on stderr; *status gets its wait status.
 */
static char *hang(bool mark, int *status)
{
	int p[2];
	assert_int_equal(pipe(p), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		static struct kvm_run run;
		struct watchdog wd = {.before_hang_exit = before_exit};
		dup2(p[1], STDERR_FILENO);
		close(p[0]);
		if (watchdog_start(&wd, &run, 1, HANG_MSG, HANG_STATUS))
			_exit(1);
		if (mark)
			watchdog_in_kvm_run(&wd, false);
		for (;;)
			pause(); /* each kick interrupts pause; nobody acks */
	}
	close(p[1]);
	char *buf = calloc(1, 4096);
	size_t n = 0;
	ssize_t r;
	while (n < 4095 && (r = read(p[0], buf + n, 4095 - n)) > 0)
		n += (size_t)r;
	close(p[0]);
	assert_int_equal(waitpid(pid, status, 0), pid);
	return buf;
}

static void test_hang_in_kvm_run(void **state)
{
	int status;
	char *err = hang(false, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), HANG_STATUS);
	assert_string_equal(err, HANG_MSG BEFORE_EXIT_MSG);
	free(err);
}

/* A vCPU thread stuck outside KVM_RUN (a blocked write): KVM is not blamed. */
static void test_hang_outside_kvm_run(void **state)
{
	int status;
	char *err = hang(true, &status);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), HANG_STATUS);
	assert_null(strstr(err, HANG_MSG));
	assert_non_null(strstr(err, "outside KVM_RUN"));
	assert_non_null(strstr(err, BEFORE_EXIT_MSG));
	free(err);
}

/* An acked kick stands the hang exit down. */
static void test_ack(void **state)
{
	static struct kvm_run run;
	struct watchdog wd = {0};
	assert_int_equal(watchdog_start(&wd, &run, 1, HANG_MSG, HANG_STATUS), 0);
	while (!watchdog_fired(&wd))
		usleep(1000);
	assert_int_equal(__atomic_load_n(&run.immediate_exit, __ATOMIC_SEQ_CST), 1);
	watchdog_ack(&wd);
	watchdog_stop(&wd);
	assert_int_equal(run.immediate_exit, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	    cmocka_unit_test(test_hang_in_kvm_run),
	    cmocka_unit_test(test_hang_outside_kvm_run),
	    cmocka_unit_test(test_ack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
