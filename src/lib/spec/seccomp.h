/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* linux.seccomp in validated form. Owned by the seccomp work (issue 4); a stub until then. */
struct moat_seccomp {
	int placeholder;
};
