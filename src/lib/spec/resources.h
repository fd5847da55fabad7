/* SPDX-License-Identifier: GPL-2.0-or-later */
#pragma once
/* linux.resources in validated form. Owned by the cgroup work (issue 3); a stub until then. */
struct moat_resources {
	int placeholder;
};
