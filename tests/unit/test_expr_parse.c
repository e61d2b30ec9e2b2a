/* SPDX-License-Identifier: MIT */
/* Path expression parser: the steps each expression gives, and syntax errors with columns. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include "expr/expr_impl.h"

static void expect_steps(const char *text, const char *want)
{
	struct bw_error err = {0};
	struct bw_expr e;
	char got[1024] = "", one_fanouts[16];
	uint32_t i;

	assert_int_equal(bw_expr_parse(text, NULL, &e, &err), 0);
	if (e.agg)
		snprintf(got, sizeof(got), "agg%d:", e.agg);
	for (i = 0; i < e.nsteps; i++) {
		const struct bw_expr_step *s = &e.steps[i];
		char one[320];

		switch (s->op) {
		case BW_EXPR_SYMBOL:
			snprintf(one, sizeof(one), "sym(%s)", s->name);
			break;
		case BW_EXPR_SYMBOL_CPU:
			if (s->all_cpus)
				snprintf(one, sizeof(one), "sym(%s@*)", s->name);
			else
				snprintf(one, sizeof(one), "sym(%s@%llu)", s->name,
					 (unsigned long long)s->n);
			break;
		case BW_EXPR_MEMBER:
			snprintf(one, sizeof(one), ".%s", s->name);
			break;
		case BW_EXPR_ARROW:
			snprintf(one, sizeof(one), "->%s", s->name);
			break;
		case BW_EXPR_INDEX:
			snprintf(one, sizeof(one), "[%llu]", (unsigned long long)s->n);
			break;
		case BW_EXPR_OBJECT_AT:
			snprintf(one, sizeof(one), "obj(%d %s@0x%llx)", s->kind, s->name,
				 (unsigned long long)s->n);
			break;
		case BW_EXPR_PERCPU:
			if (s->all_cpus)
				snprintf(one, sizeof(one), "@*");
			else
				snprintf(one, sizeof(one), "@%llu", (unsigned long long)s->n);
			break;
		case BW_EXPR_ITER:
			snprintf(one, sizeof(one), "[it%d:%d %s|%s]", s->fanout, s->kind, s->name,
				 s->member);
			break;
		}
		strcat(got, one);
	}
	if (e.nfanout) {
		snprintf(one_fanouts, sizeof(one_fanouts), " /%u", e.nfanout);
		strcat(got, one_fanouts);
	}
	bw_expr_free(NULL, &e);
	assert_string_equal(got, want);
}

static void expect_error(const char *text, int code, const char *msg)
{
	struct bw_error err = {0};
	struct bw_expr e;

	assert_int_equal(bw_expr_parse(text, NULL, &e, &err), -code);
	assert_int_equal(err.code, code);
	assert_string_equal(err.msg, msg);
	assert_null(e.steps);
}

static void test_expr_parse_chains(void **state)
{
	(void)state;
	expect_steps("node_data[1]->node_zones[2].vm_numa_event[0]",
		     "sym(node_data)[1]->node_zones[2].vm_numa_event[0]");
	expect_steps("runqueues@cpu3.nr_running", "sym(runqueues@3).nr_running");
	expect_steps("runqueues @cpu 3 . nr_running", "sym(runqueues@3).nr_running");
	expect_steps("init_uts_ns.name.release", "sym(init_uts_ns).name.release");
	expect_steps("((node_data[0x1f]))->node_zones", "sym(node_data)[31]->node_zones");
	expect_steps("(node_data[0]->node_zones[1].per_cpu_zonestats)@cpu12.vm_numa_event[5]",
		     "sym(node_data)[0]->node_zones[1].per_cpu_zonestats@12.vm_numa_event[5]");
	expect_steps("  _x9  ", "sym(_x9)");
	expect_steps("a[18446744073709551615]", "sym(a)[18446744073709551615]");
	expect_steps("*(struct pglist_data *)0xffff888000001000.node_zones[1]",
		     "obj(4 pglist_data@0xffff888000001000).node_zones[1]");
	expect_steps("( * ( union u * ) 16 )->x", "obj(5 u@0x10)->x");
	expect_steps("*(pg_data_t*)4096", "obj(0 pg_data_t@0x1000)");
}

static void test_expr_parse_fanouts(void **state)
{
	(void)state;
	expect_steps("runqueues@cpu*.nr_running", "sym(runqueues@*).nr_running /1");
	expect_steps("runqueues @cpu * .nr_running", "sym(runqueues@*).nr_running /1");
	expect_steps("z.per_cpu_zonestats@cpu*.x[2]", "sym(z).per_cpu_zonestats@*.x[2] /1");
	expect_steps("init_task.tasks[list: struct task_struct.tasks].comm",
		     "sym(init_task).tasks[it2:4 task_struct|tasks].comm /1");
	expect_steps("h[hlist:union u.a.b]", "sym(h)[it3:5 u|a.b] /1");
	expect_steps("r[ rbtree : task_struct . se . run_node ]",
		     "sym(r)[it4:0 task_struct|se.run_node] /1");
	expect_steps("x[xarray: struct page]", "sym(x)[it5:4 page|] /1");
	expect_steps("init_pid_ns.idr[idr: struct pid].numbers[0].nr",
		     "sym(init_pid_ns).idr[it6:4 pid|].numbers[0].nr /1");
	expect_steps(
		"runqueues@cpu*.cfs.tasks_timeline[rbtree: struct task_struct.se.run_node].pid",
		"sym(runqueues@*).cfs.tasks_timeline[it4:4 task_struct|se.run_node].pid /2");
	expect_steps("sum(runqueues@cpu*.nr_running)", "agg1:sym(runqueues@*).nr_running /1");
	expect_steps(" max ( a@cpu* ) ", "agg2:sym(a@*) /1");
	expect_steps("min((a))", "agg3:sym(a)");
	expect_steps("count(l[list: t.m])", "agg4:sym(l)[it2:0 t|m] /1");
	/* Not an aggregate: names that only look like one. */
	expect_steps("sum.x", "sym(sum).x");
	expect_steps("counter", "sym(counter)");
}

static void test_expr_parse_fanout_errors(void **state)
{
	(void)state;
	expect_error("a[list struct t.m]", BW_EINVAL,
		     "column 8: expected ':' after the iteration kind, found 's'");
	expect_error("a[queue: struct t.m]", BW_EINVAL,
		     "column 3: expected an index, 'list', 'hlist', 'rbtree', 'xarray' or 'idr' "
		     "after '[', found 'q'");
	expect_error("a[list: struct t]", BW_EINVAL,
		     "column 17: expected '.' and the member that links the elements, found ']'");
	expect_error("a[rbtree: struct t.m", BW_EINVAL,
		     "column 21: expected ']', found end of expression");
	expect_error("a[list: struct t.]", BW_EINVAL,
		     "column 18: expected a member name after '.', found ']'");
	expect_error("a[list: struct]", BW_EINVAL, "column 15: expected a type name, found ']'");
	expect_error(
		"a@cpu", BW_EINVAL,
		"column 6: expected a CPU number or '*' after '@cpu', found end of expression");
	expect_error("sum(a", BW_EINVAL,
		     "column 6: expected ')' closing the aggregate, found end of expression");
	expect_error("sum(a))", BW_EINVAL, "column 7: unbalanced ')', found ')'");
	expect_error("sum(a).x", BW_EINVAL,
		     "column 7: expected '.', '->', '[' or '@cpu', found '.'");
	expect_error("a@cpu*@cpu*@cpu*@cpu*@cpu*@cpu*@cpu*@cpu*@cpu*", BW_ELIMIT,
		     "column 47: more than 8 iterations in one expression");
}

static void test_expr_parse_errors(void **state)
{
	(void)state;
	expect_error("", BW_EINVAL,
		     "column 1: expected a symbol, '(' or '*(', found end of expression");
	expect_error("*struct x *)1", BW_EINVAL, "column 2: expected '(' after '*', found 's'");
	expect_error("*(struct *)1", BW_EINVAL, "column 10: expected a type name, found '*'");
	expect_error("*(struct x)1", BW_EINVAL,
		     "column 11: expected '*' after the type name, found ')'");
	expect_error("*(struct x **)1", BW_EINVAL,
		     "column 13: expected ')' after the type, found '*'");
	expect_error("*(struct x *)", BW_EINVAL,
		     "column 14: expected an address, found end of expression");
	expect_error("node_data[", BW_EINVAL,
		     "column 11: expected an index after '[', found end of expression");
	expect_error("node_data[1", BW_EINVAL, "column 12: expected ']', found end of expression");
	expect_error("node_data[-1]", BW_EINVAL,
		     "column 11: expected an index after '[', found '-'");
	expect_error("node_data[0x]", BW_EINVAL,
		     "column 13: expected an index after '[', found ']'");
	expect_error("node_data[12a]", BW_EINVAL, "column 13: expected a number, found 'a'");
	expect_error("a->", BW_EINVAL,
		     "column 4: expected a member name after '->', found end of expression");
	expect_error("a.9", BW_EINVAL, "column 3: expected a member name after '.', found '9'");
	expect_error("a - b", BW_EINVAL, "column 3: expected '.', '->', '[' or '@cpu', found '-'");
	expect_error("(a", BW_EINVAL, "column 3: expected ')', found end of expression");
	expect_error("a)", BW_EINVAL, "column 2: unbalanced ')', found ')'");
	expect_error("a@gpu1", BW_EINVAL, "column 3: expected 'cpu' after '@', found 'g'");
	expect_error("a[18446744073709551616]", BW_EINVAL, "column 3: number too large");
	expect_error(NULL, BW_EINVAL, "expression is NULL");
}

static void test_expr_parse_limits(void **state)
{
	char buf[BW_EXPR_MAX_LEN + 2];
	size_t i;

	(void)state;
	/* Parentheses one deeper than the cap. */
	for (i = 0; i <= BW_EXPR_MAX_PARENS; i++)
		buf[i] = '(';
	strcpy(buf + i, "a");
	expect_error(buf, BW_ELIMIT, "column 33: parentheses nested deeper than 32");

	/* Steps beyond the cap: "a" followed by 256 ".b". */
	strcpy(buf, "a");
	for (i = 0; i < BW_EXPR_MAX_STEPS; i++)
		strcat(buf, ".b");
	expect_error(buf, BW_ELIMIT, "column 512: more than 256 steps in one expression");

	memset(buf, 'a', BW_EXPR_MAX_NAME);
	buf[BW_EXPR_MAX_NAME] = '\0';
	expect_error(buf, BW_ELIMIT, "column 1: name longer than 127 characters");

	memset(buf, 'a', sizeof(buf) - 1);
	buf[sizeof(buf) - 1] = '\0';
	expect_error(buf, BW_ELIMIT, "expression longer than 4096 characters");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_expr_parse_chains),
		cmocka_unit_test(test_expr_parse_fanouts),
		cmocka_unit_test(test_expr_parse_fanout_errors),
		cmocka_unit_test(test_expr_parse_errors),
		cmocka_unit_test(test_expr_parse_limits),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
