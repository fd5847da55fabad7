/* SPDX-License-Identifier: GPL-2.0-or-later */
/* Capability, rlimit, signal, namespace and personality names. */
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/resource.h>

#include "base/names.h"
#include "check.h"

static void test_caps(void)
{
	CHECK(moat_cap_from_name("CAP_CHOWN") == 0, "CAP_CHOWN is 0");
	CHECK(moat_cap_from_name("CAP_SYS_ADMIN") == 21, "CAP_SYS_ADMIN is 21");
	CHECK(moat_cap_from_name("CAP_CHECKPOINT_RESTORE") == 40, "CAP_CHECKPOINT_RESTORE is 40");
	CHECK(moat_cap_from_name("CAP_FOO") == -1, "an unknown name is -1");
	CHECK(moat_cap_from_name("cap_chown") == -1, "names are exact");
	CHECK(moat_cap_from_name("CHOWN") == -1, "the CAP_ prefix is required");
	CHECK(moat_cap_last_known() == 40, "the last known capability is 40");
	CHECK_STR(moat_cap_name(29), "CAP_AUDIT_WRITE", "29 is CAP_AUDIT_WRITE");
	CHECK(moat_cap_name(41) == NULL && moat_cap_name(-1) == NULL,
	      "numbers outside the table have no name");
	int ok = 1;
	for (int c = 0; c <= moat_cap_last_known(); c++)
		ok &= moat_cap_from_name(moat_cap_name(c)) == c;
	CHECK(ok, "every capability name maps back to its number");
}

static void test_rlimits(void)
{
	CHECK(moat_rlimit_from_name("RLIMIT_NOFILE") == RLIMIT_NOFILE, "RLIMIT_NOFILE");
	CHECK(moat_rlimit_from_name("RLIMIT_RTTIME") == RLIMIT_RTTIME, "RLIMIT_RTTIME");
	CHECK(moat_rlimit_from_name("RLIMIT_FOO") == -1, "an unknown rlimit is -1");
	CHECK(moat_rlimit_from_name("NOFILE") == -1, "the RLIMIT_ prefix is required");
	CHECK_STR(moat_rlimit_name(RLIMIT_NPROC), "RLIMIT_NPROC", "name of RLIMIT_NPROC");
	CHECK(moat_rlimit_name(999) == NULL, "an unknown number has no name");
}

static void test_signals(void)
{
	CHECK(moat_signal_parse("9") == 9, "\"9\" is 9");
	CHECK(moat_signal_parse("KILL") == SIGKILL, "KILL");
	CHECK(moat_signal_parse("SIGKILL") == SIGKILL, "SIGKILL");
	CHECK(moat_signal_parse("sigterm") == SIGTERM, "case does not matter");
	CHECK(moat_signal_parse("Hup") == SIGHUP, "mixed case");
	CHECK(moat_signal_parse("CLD") == SIGCHLD, "the alias CLD");
	CHECK(moat_signal_parse("RTMIN") == SIGRTMIN, "RTMIN");
	CHECK(moat_signal_parse("RTMIN+3") == SIGRTMIN + 3, "RTMIN+3");
	CHECK(moat_signal_parse("SIGRTMAX-1") == SIGRTMAX - 1, "SIGRTMAX-1");
	CHECK(moat_signal_parse("sigrtmax") == SIGRTMAX, "sigrtmax");
	CHECK(moat_signal_parse("RTMIN+40") == -1, "RTMIN+40 is past RTMAX");
	CHECK(moat_signal_parse("RTMIN-1") == -1, "RTMIN-1 is invalid");
	CHECK(moat_signal_parse("RTMAX+1") == -1, "RTMAX+1 is invalid");
	CHECK(moat_signal_parse("0") == -1, "0 is not a signal");
	CHECK(moat_signal_parse("65") == -1, "65 is not a signal");
	CHECK(moat_signal_parse("9x") == -1, "trailing junk is invalid");
	CHECK(moat_signal_parse("") == -1, "an empty string is invalid");
	CHECK(moat_signal_parse("SIG") == -1, "SIG alone is invalid");
	CHECK(moat_signal_parse("FOO") == -1, "an unknown name is invalid");
	CHECK(moat_signal_parse("-9") == -1, "a negative number is invalid");
	CHECK_STR(moat_signal_name(SIGKILL), "SIGKILL", "name of 9");
	CHECK_STR(moat_signal_name(SIGCHLD), "SIGCHLD", "SIGCHLD, not the alias");
	CHECK_STR(moat_signal_name(SIGRTMIN), "SIGRTMIN", "name of SIGRTMIN");
	CHECK_STR(moat_signal_name(SIGRTMIN + 3), "SIGRTMIN+3", "name of SIGRTMIN+3");
	CHECK_STR(moat_signal_name(SIGRTMAX - 1), "SIGRTMAX-1", "name of SIGRTMAX-1");
	CHECK_STR(moat_signal_name(SIGRTMAX), "SIGRTMAX", "name of SIGRTMAX");
	CHECK(moat_signal_name(0) == NULL, "0 has no name");
	int ok = 1;
	for (int s = 1; s <= SIGRTMAX; s++)
		if (moat_signal_name(s))
			ok &= moat_signal_parse(moat_signal_name(s)) == s;
	CHECK(ok, "every signal name parses back to its number");
}

static void test_namespaces(void)
{
	CHECK(moat_ns_type_from_name("network") == CLONE_NEWNET, "network is CLONE_NEWNET");
	CHECK(moat_ns_type_from_name("mount") == CLONE_NEWNS, "mount is CLONE_NEWNS");
	CHECK(moat_ns_type_from_name("time") == CLONE_NEWTIME, "time is CLONE_NEWTIME");
	CHECK(moat_ns_type_from_name("net") == -1, "\"net\" is not a runtime-spec name");
	CHECK_STR(moat_ns_type_name(CLONE_NEWUSER), "user", "name of CLONE_NEWUSER");
}

static void test_personality(void)
{
	CHECK(moat_personality_flag_from_name("ADDR_NO_RANDOMIZE") == ADDR_NO_RANDOMIZE,
	      "ADDR_NO_RANDOMIZE");
	CHECK(moat_personality_flag_from_name("FOO") == -1, "an unknown flag is -1");
}

int main(void)
{
	test_caps();
	test_rlimits();
	test_signals();
	test_namespaces();
	test_personality();
	return check_done();
}
