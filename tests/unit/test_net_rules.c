/* SPDX-License-Identifier: MIT */
/* Net values (design 1.2): every accepted syntax, every refusal, and host/address matching. */
#include <arpa/inet.h>
#include <sys/socket.h>

#include "unit.h"

static void net_ok(const char *value, enum pt_net_kind kind, const char *text, uint16_t port, uint8_t prefix)
{
        struct pt_net_rule r;
        char *t = NULL;
        const char *why = NULL;
        int rc = pt_net_parse(value, &r, &t, &why);
        if (rc < 0)
                fail_msg("\"%s\" refused: %s", value, why ? why : "?");
        assert_non_null(t);
        assert_string_equal(t, text);
        assert_int_equal(r.kind, kind);
        assert_int_equal(r.port, port);
        if (kind == PT_NET_HOST || kind == PT_NET_WILDCARD) {
                /* host points into the text: the name, then maybe ":port" */
                assert_non_null(r.host);
                assert_true(r.host >= t && r.host < t + strlen(t));
                assert_true(strchr(r.host, '*') == NULL);
        } else {
                assert_null(r.host);
                assert_int_equal(r.prefix, prefix);
        }
        free(t);
}

static void net_bad(const char *value, const char *why_part)
{
        struct pt_net_rule r;
        char *t = NULL;
        const char *why = NULL;
        int rc = pt_net_parse(value, &r, &t, &why);
        if (rc >= 0) {
                fail_msg("\"%s\" accepted as \"%s\"", value, t);
        }
        assert_int_equal(rc, -EINVAL);
        assert_non_null(why);
        if (why_part)
                assert_contains(why, why_part);
}

static void test_hosts(void **state)
{
        net_ok("example.com", PT_NET_HOST, "example.com", 0, 0);
        net_ok("Example.COM", PT_NET_HOST, "example.com", 0, 0);
        net_ok("example.com:443", PT_NET_HOST, "example.com:443", 443, 0);
        net_ok("example.com.", PT_NET_HOST, "example.com", 0, 0);
        net_ok("localhost", PT_NET_HOST, "localhost", 0, 0);
        net_ok("localhost:1", PT_NET_HOST, "localhost:1", 1, 0);
        net_ok("a-b.c_d.example:65535", PT_NET_HOST, "a-b.c_d.example:65535", 65535, 0);
        net_ok("1.2.3.example", PT_NET_HOST, "1.2.3.example", 0, 0);
        net_ok("123abc", PT_NET_HOST, "123abc", 0, 0);

        char label63[64];
        memset(label63, 'a', 63);
        label63[63] = '\0';
        char host[80];
        snprintf(host, sizeof(host), "%s.com", label63);
        net_ok(host, PT_NET_HOST, host, 0, 0);
}

static void test_wildcards(void **state)
{
        net_ok("*.example.com", PT_NET_WILDCARD, "*.example.com", 0, 0);
        net_ok("*.Example.com:8080", PT_NET_WILDCARD, "*.example.com:8080", 8080, 0);
        net_ok("*.com", PT_NET_WILDCARD, "*.com", 0, 0);
}

static void test_ipv4(void **state)
{
        net_ok("1.2.3.4", PT_NET_IP4, "1.2.3.4", 0, 32);
        net_ok("127.0.0.1:8080", PT_NET_IP4, "127.0.0.1:8080", 8080, 32);
        net_ok("0.0.0.0", PT_NET_IP4, "0.0.0.0", 0, 32);
        net_ok("255.255.255.255:65535", PT_NET_IP4, "255.255.255.255:65535", 65535, 32);
}

static void test_ipv6(void **state)
{
        net_ok("[::1]", PT_NET_IP6, "[::1]", 0, 128);
        net_ok("[::1]:8080", PT_NET_IP6, "[::1]:8080", 8080, 128);
        net_ok("[2001:DB8:0:0::1]:443", PT_NET_IP6, "[2001:db8::1]:443", 443, 128);
        net_ok("::1", PT_NET_IP6, "[::1]", 0, 128);
        net_ok("2001:db8::1", PT_NET_IP6, "[2001:db8::1]", 0, 128);
        net_ok("fe80::1:2:3:4", PT_NET_IP6, "[fe80::1:2:3:4]", 0, 128);
}

static void test_v4_mapped(void **state)
{
        /* An IPv4 peer on a dual-stack socket shows up v4-mapped: it is an IPv4 rule. */
        net_ok("::ffff:1.2.3.4", PT_NET_IP4, "1.2.3.4", 0, 32);
        net_ok("[::ffff:1.2.3.4]:80", PT_NET_IP4, "1.2.3.4:80", 80, 32);
        net_ok("[::ffff:7f00:1]", PT_NET_IP4, "127.0.0.1", 0, 32);
        net_ok("::ffff:10.0.0.0/104", PT_NET_CIDR4, "10.0.0.0/8", 0, 8);
        net_ok("::ffff:10.1.2.3/128", PT_NET_CIDR4, "10.1.2.3/32", 0, 32);
        net_ok("::ffff:0.0.0.0/96", PT_NET_CIDR4, "0.0.0.0/0", 0, 0);
}

static void test_cidr(void **state)
{
        net_ok("10.0.0.0/8", PT_NET_CIDR4, "10.0.0.0/8", 0, 8);
        net_ok("172.16.0.0/12", PT_NET_CIDR4, "172.16.0.0/12", 0, 12);
        net_ok("0.0.0.0/0", PT_NET_CIDR4, "0.0.0.0/0", 0, 0);
        net_ok("1.2.3.4/32", PT_NET_CIDR4, "1.2.3.4/32", 0, 32);
        net_ok("fd00::/8", PT_NET_CIDR6, "fd00::/8", 0, 8);
        net_ok("2001:db8::/32", PT_NET_CIDR6, "2001:db8::/32", 0, 32);
        net_ok("::/0", PT_NET_CIDR6, "::/0", 0, 0);
        net_ok("[fd00::]/8", PT_NET_CIDR6, "fd00::/8", 0, 8);
        net_ok("[::1]/128", PT_NET_CIDR6, "::1/128", 0, 128);
}

static void test_rejects(void **state)
{
        net_bad("", NULL);
        /* ports */
        net_bad("example.com:0", "port");
        net_bad("example.com:65536", "port");
        net_bad("example.com:abc", "port");
        net_bad("example.com:", "port");
        net_bad("example.com:+80", "port");
        net_bad("example.com:-1", "port");
        net_bad("example.com:000443", "port");
        net_bad("1.2.3.4:0", "port");
        net_bad("[::1]:0", "port");
        net_bad("[::1]:99999", "port");
        net_bad("*.example.com:0", "port");
        /* CIDR */
        net_bad("10.0.0.1/8", "host bits");
        net_bad("10.0.0.0/33", "prefix");
        net_bad("10.0.0.0/", "prefix");
        net_bad("10.0.0.0/x", "prefix");
        net_bad("10.0.0.0/-1", "prefix");
        net_bad("fd00::1/8", "host bits");
        net_bad("fd00::/129", "prefix");
        net_bad("[fd00::1]/8", "host bits");
        net_bad("[fd00::]/129", "prefix");
        net_bad("::ffff:10.0.0.1/104", "host bits");
        net_bad("::ffff:0.0.0.0/80", "host bits");
        net_bad("example.com/8", "CIDR");
        net_bad("10.0.0.0/8:80", NULL);
        /* names libc would read as an address */
        net_bad("127.1", "host");
        net_bad("0x7f000001", "host");
        net_bad("2130706433", "host");
        net_bad("1.2.3", "host");
        net_bad("0177.0.0.1", "host");
        net_bad("1.2.3.4.5", "host");
        net_bad("256.1.1.1", "host");
        /* wildcards */
        net_bad("*", "wildcard");
        net_bad("*foo.com", "wildcard");
        net_bad("*.", "host");
        net_bad("*.*.example.com", "host");
        net_bad("a.*.example.com", "host");
        net_bad("example.*", "host");
        /* bad names */
        char label64[65], host[80];
        memset(label64, 'a', 64);
        label64[64] = '\0';
        snprintf(host, sizeof(host), "%s.com", label64);
        net_bad(host, "host");
        char longname[300];
        memset(longname, 'a', 258); /* five 50-byte labels and "com": 258 bytes */
        for (int i = 50; i < 255; i += 51)
                longname[i] = '.';
        memcpy(longname + 255, "com", 4);
        assert_int_equal(strlen(longname), 258);
        net_bad(longname, "host");
        net_bad("a..b", "host");
        net_bad(".example.com", "host");
        net_bad("-a.com", "host");
        net_bad("a-.com", "host");
        net_bad("ex ample.com", "host");
        net_bad("exa$mple.com", "host");
        net_bad("http://example.com", NULL);
        net_bad("example.com:80:90", NULL);
        /* IPv6 */
        net_bad("[::1", "]");
        net_bad("[::1]x", "after");
        net_bad("[::1]:", "port");
        net_bad("[example.com]", "IPv6");
        net_bad("[1.2.3.4]", "IPv6");
        net_bad("::1:80:", "IPv6");
        net_bad("fe80::1%eth0", "IPv6");
        net_bad("[]", "IPv6");
}

/* The rule's error reaches the user with the flag name, the reason and the value. */
static void test_add_value_messages(void **state)
{
        struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_NET, false, "example.com:0", "--allow-net", "--allow-net",
                                         &err),
                     err, "--allow-net: ");
        assert_contains(err.msg, "port");
        assert_contains(err.msg, "\"example.com:0\"");
        assert_error(pt_policy_add_value(&p, NULL, PT_PERM_NET, true, "", "POD_DENY_NET", "POD_DENY_NET", &err), err,
                     "POD_DENY_NET: ");
        assert_contains(err.msg, "empty");
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_NET, false, "ok.com,127.1", "POD_ALLOW_NET", &err), err,
                     "POD_ALLOW_NET: ");
        assert_contains(err.msg, "127.1");
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_NET, false, "ok.com,,b.com", "--allow-net", &err), err,
                     "--allow-net: ");
        assert_contains(err.msg, "empty element");
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_NET, false, "", "--allow-net", &err), err,
                     "--allow-net: ");
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_NET, false, "a.com,", "--allow-net", &err), err,
                     "--allow-net: ");
        /* a value with a newline in it must not break the one-line message */
        assert_error(pt_policy_add_list(&p, NULL, PT_PERM_NET, false, "a.com\nb.com", "POD_ALLOW_NET", &err), err,
                     "POD_ALLOW_NET: ");
        pt_policy_free(&p);
}

/* --- matching ------------------------------------------------------------------------ */

static struct pt_policy *policy_with(const char *allow, const char *deny)
{
        static struct pt_policy p;
        struct pt_error err = { "" };
        pt_policy_init(&p);
        if (allow && pt_policy_add_list(&p, NULL, PT_PERM_NET, false, allow, "--allow-net", &err) < 0)
                fail_msg("%s", err.msg);
        if (deny && pt_policy_add_list(&p, NULL, PT_PERM_NET, true, deny, "--deny-net", &err) < 0)
                fail_msg("%s", err.msg);
        return &p;
}

static bool host_allowed(const struct pt_policy *p, const char *host, uint16_t port)
{
        struct pt_decision d;
        pt_decide_host(p, host, port, &d);
        assert_int_equal(d.perm, PT_PERM_NET);
        return d.allow;
}

static bool addr_allowed(const struct pt_policy *p, const char *addr, uint16_t port)
{
        uint8_t a[16];
        struct pt_decision d;
        if (inet_pton(AF_INET, addr, a) == 1)
                pt_decide_addr(p, AF_INET, a, port, &d);
        else if (inet_pton(AF_INET6, addr, a) == 1)
                pt_decide_addr(p, AF_INET6, a, port, &d);
        else
                fail_msg("bad test address %s", addr);
        assert_int_equal(d.perm, PT_PERM_NET);
        return d.allow;
}

static void test_match_host(void **state)
{
        struct pt_policy *p = policy_with("example.com,api.test:443", NULL);
        assert_true(host_allowed(p, "example.com", 80));
        assert_true(host_allowed(p, "example.com", 443));
        assert_false(host_allowed(p, "www.example.com", 80));
        assert_false(host_allowed(p, "xexample.com", 80));
        assert_false(host_allowed(p, "example.co", 80));
        assert_false(host_allowed(p, "example.com.evil", 80));
        assert_true(host_allowed(p, "api.test", 443));
        assert_false(host_allowed(p, "api.test", 80));
        assert_false(host_allowed(p, "api", 443));
        pt_policy_free(p);
}

static void test_match_wildcard(void **state)
{
        struct pt_policy *p = policy_with("*.example.com,*.port.test:8443", NULL);
        assert_true(host_allowed(p, "a.example.com", 1));
        assert_true(host_allowed(p, "a.b.example.com", 443));
        assert_false(host_allowed(p, "example.com", 443)); /* subdomains only */
        assert_false(host_allowed(p, "badexample.com", 443));
        assert_false(host_allowed(p, ".example.com", 443));
        assert_false(host_allowed(p, "example.com.evil", 443));
        assert_true(host_allowed(p, "x.port.test", 8443));
        assert_false(host_allowed(p, "x.port.test", 443));
        assert_false(host_allowed(p, "port.test", 8443));
        pt_policy_free(p);
}

static void test_names_and_addresses_apart(void **state)
{
        struct pt_policy *p = policy_with("127.0.0.1,localhost,[::1],10.0.0.0/8", NULL);
        /* a name query never matches an address rule... */
        assert_false(host_allowed(p, "127.0.0.1", 80));
        assert_false(host_allowed(p, "10.1.2.3", 80));
        assert_false(host_allowed(p, "::1", 80));
        assert_true(host_allowed(p, "localhost", 80));
        pt_policy_free(p);

        /* ...and an address query never matches a name rule */
        p = policy_with("localhost,*.example.com", NULL);
        assert_false(addr_allowed(p, "127.0.0.1", 80));
        assert_false(addr_allowed(p, "::1", 80));
        pt_policy_free(p);
}

static void test_match_addresses(void **state)
{
        struct pt_policy *p = policy_with("1.2.3.4,5.6.7.8:80,[2001:db8::1]:443,::2", NULL);
        assert_true(addr_allowed(p, "1.2.3.4", 1));
        assert_true(addr_allowed(p, "1.2.3.4", 65535));
        assert_false(addr_allowed(p, "1.2.3.5", 1));
        assert_true(addr_allowed(p, "5.6.7.8", 80));
        assert_false(addr_allowed(p, "5.6.7.8", 81));
        assert_true(addr_allowed(p, "2001:db8::1", 443));
        assert_false(addr_allowed(p, "2001:db8::1", 80));
        assert_true(addr_allowed(p, "::2", 9));
        assert_false(addr_allowed(p, "::3", 9));
        /* v4-mapped queries are IPv4 */
        assert_true(addr_allowed(p, "::ffff:1.2.3.4", 22));
        assert_true(addr_allowed(p, "::ffff:5.6.7.8", 80));
        assert_false(addr_allowed(p, "::ffff:5.6.7.8", 81));
        assert_false(addr_allowed(p, "::ffff:1.2.3.5", 22));
        /* an IPv4 address is not the IPv6 address with the same bytes */
        assert_false(addr_allowed(p, "::102:304", 22));
        pt_policy_free(p);
}

static void test_match_cidr(void **state)
{
        struct pt_policy *p = policy_with("10.0.0.0/8,172.16.0.0/12,fd00::/8,192.168.1.0/24", NULL);
        assert_true(addr_allowed(p, "10.0.0.0", 1));
        assert_true(addr_allowed(p, "10.255.255.255", 2));
        assert_false(addr_allowed(p, "11.0.0.0", 1));
        assert_false(addr_allowed(p, "9.255.255.255", 1));
        assert_true(addr_allowed(p, "172.16.0.1", 1));
        assert_true(addr_allowed(p, "172.31.255.255", 1));
        assert_false(addr_allowed(p, "172.32.0.0", 1));
        assert_false(addr_allowed(p, "172.15.255.255", 1));
        assert_true(addr_allowed(p, "192.168.1.77", 1));
        assert_false(addr_allowed(p, "192.168.2.77", 1));
        assert_true(addr_allowed(p, "fd12:3456::1", 1));
        assert_true(addr_allowed(p, "fdff:ffff::", 1));
        assert_false(addr_allowed(p, "fe00::1", 1));
        assert_false(addr_allowed(p, "fc00::1", 1));
        assert_true(addr_allowed(p, "::ffff:10.9.8.7", 1));
        pt_policy_free(p);

        p = policy_with("0.0.0.0/0", NULL);
        assert_true(addr_allowed(p, "8.8.8.8", 53));
        assert_false(addr_allowed(p, "2001:4860:4860::8888", 53));
        pt_policy_free(p);

        p = policy_with("::/0", NULL);
        assert_true(addr_allowed(p, "2001:4860:4860::8888", 53));
        assert_false(addr_allowed(p, "8.8.8.8", 53));
        pt_policy_free(p);
}

static void test_net_deny_beats_allow(void **state)
{
        struct pt_policy *p = policy_with("10.0.0.1,*.example.com,example.org", "10.0.0.0/8,secret.example.com,"
                                                                               "example.org:25");
        assert_false(addr_allowed(p, "10.0.0.1", 80));
        assert_true(host_allowed(p, "www.example.com", 80));
        assert_false(host_allowed(p, "secret.example.com", 80));
        assert_true(host_allowed(p, "a.secret.example.com", 80)); /* deny of a name: that name only */
        assert_true(host_allowed(p, "example.org", 80));
        assert_false(host_allowed(p, "example.org", 25));

        struct pt_decision d;
        pt_decide_host(p, "secret.example.com", 443, &d);
        assert_false(d.allow);
        assert_non_null(d.rule);
        assert_string_equal(d.rule->text, "secret.example.com");
        assert_string_equal(d.source, "--deny-net");
        pt_policy_free(p);

        p = policy_with(NULL, "*.example.com");
        assert_int_equal(pt_policy_add_all(p, PT_PERM_NET, false, "-A"), 0);
        assert_true(host_allowed(p, "example.com", 1));
        assert_false(host_allowed(p, "x.example.com", 1));
        assert_true(addr_allowed(p, "1.1.1.1", 1));
        pt_policy_free(p);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_hosts),
                cmocka_unit_test(test_wildcards),
                cmocka_unit_test(test_ipv4),
                cmocka_unit_test(test_ipv6),
                cmocka_unit_test(test_v4_mapped),
                cmocka_unit_test(test_cidr),
                cmocka_unit_test(test_rejects),
                cmocka_unit_test(test_add_value_messages),
                cmocka_unit_test(test_match_host),
                cmocka_unit_test(test_match_wildcard),
                cmocka_unit_test(test_names_and_addresses_apart),
                cmocka_unit_test(test_match_addresses),
                cmocka_unit_test(test_match_cidr),
                cmocka_unit_test(test_net_deny_beats_allow),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
