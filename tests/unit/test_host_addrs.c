/* SPDX-License-Identifier: MIT */
/* The host's interface addresses (src/proxy/host_addr_set.c): reading RTM_GETADDR answers and the lookup. */
#include <arpa/inet.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <sys/socket.h>

#include "proxy/host_addrs.h"
#include "unit.h"

/* A netlink datagram being built. */
struct dgram {
        _Alignas(struct nlmsghdr) uint8_t b[4096];
        size_t len;
};

static struct nlmsghdr *msg_start(struct dgram *d, uint16_t type, uint16_t flags, uint32_t seq)
{
        struct nlmsghdr *h = (void *)(d->b + d->len);
        memset(h, 0, NLMSG_HDRLEN);
        h->nlmsg_len = NLMSG_HDRLEN;
        h->nlmsg_type = type;
        h->nlmsg_flags = flags;
        h->nlmsg_seq = seq;
        return h;
}

static void msg_put(struct nlmsghdr *h, const void *data, size_t n)
{
        memcpy((uint8_t *)h + h->nlmsg_len, data, n);
        h->nlmsg_len += (uint32_t)NLMSG_ALIGN(n);
}

static void msg_end(struct dgram *d, struct nlmsghdr *h)
{
        d->len += NLMSG_ALIGN(h->nlmsg_len);
        assert_true(d->len <= sizeof(d->b));
}

static void put_attr(struct nlmsghdr *h, uint16_t type, const void *data, size_t n)
{
        struct rtattr a = { .rta_len = (unsigned short)RTA_LENGTH(n), .rta_type = type };
        uint8_t buf[64] = { 0 };
        memcpy(buf, &a, sizeof(a));
        memcpy(buf + RTA_LENGTH(0), data, n);
        msg_put(h, buf, RTA_SPACE(n));
}

/* An RTM_NEWADDR with IFA_ADDRESS (and IFA_LOCAL when local is not NULL). */
static void newaddr(struct dgram *d, uint32_t seq, int family, const char *address, const char *local)
{
        uint8_t a[16], l[16];
        size_t n = family == AF_INET ? 4 : 16;
        struct nlmsghdr *h = msg_start(d, RTM_NEWADDR, NLM_F_MULTI, seq);
        struct ifaddrmsg m = { .ifa_family = (uint8_t)family, .ifa_prefixlen = family == AF_INET ? 24 : 64,
                               .ifa_index = 2 };
        msg_put(h, &m, sizeof(m));
        assert_int_equal(inet_pton(family, address, a), 1);
        put_attr(h, IFA_ADDRESS, a, n);
        if (local) {
                assert_int_equal(inet_pton(family, local, l), 1);
                put_attr(h, IFA_LOCAL, l, n);
        }
        put_attr(h, IFA_LABEL, "eth0", 5);
        msg_end(d, h);
}

static void done(struct dgram *d, uint32_t seq, uint16_t flags)
{
        struct nlmsghdr *h = msg_start(d, NLMSG_DONE, NLM_F_MULTI | flags, seq);
        int zero = 0;
        msg_put(h, &zero, sizeof(zero));
        msg_end(d, h);
}

static bool has(const struct pt_host_addr_set *s, const char *text)
{
        uint8_t b[16];
        if (inet_pton(AF_INET, text, b) == 1)
                return pt_host_addr_set_has(s, AF_INET, b);
        assert_int_equal(inet_pton(AF_INET6, text, b), 1);
        return pt_host_addr_set_has(s, AF_INET6, b);
}

static void test_parse_addresses(void **state)
{
        struct pt_host_addr_set s = { 0 };
        struct dgram d = { .len = 0 };
        bool intr = false;
        newaddr(&d, 7, AF_INET, "192.0.2.2", NULL);          /* a plain interface address */
        newaddr(&d, 7, AF_INET, "10.9.9.2", "10.9.9.1");     /* point-to-point: IFA_ADDRESS is the peer */
        newaddr(&d, 7, AF_INET6, "fd00::2", NULL);
        newaddr(&d, 7, AF_INET6, "2001:db8::5", "2001:db8::4");
        newaddr(&d, 7, AF_INET6, "::ffff:198.51.100.7", NULL); /* kept as the IPv4 address */
        newaddr(&d, 6, AF_INET, "203.0.113.9", NULL);         /* an earlier dump's: skipped */
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 7, &intr), 0);
        assert_false(intr);
        assert_int_equal(s.n, 5);

        assert_true(has(&s, "192.0.2.2"));
        assert_true(has(&s, "::ffff:192.0.2.2")); /* an IPv6 socket reaches it v4-mapped */
        assert_false(has(&s, "192.0.2.3"));
        assert_false(has(&s, "192.0.2.0"));       /* the address, not its subnet */
        assert_true(has(&s, "10.9.9.1"));
        assert_false(has(&s, "10.9.9.2"));
        assert_true(has(&s, "fd00::2"));
        assert_false(has(&s, "fd00::3"));
        assert_true(has(&s, "2001:db8::4"));
        assert_false(has(&s, "2001:db8::5"));
        assert_true(has(&s, "198.51.100.7"));
        assert_true(has(&s, "::ffff:198.51.100.7"));
        assert_false(has(&s, "203.0.113.9"));
        /* the same bytes in the other family are another address */
        uint8_t v6[16] = { 192, 0, 2, 2 };
        assert_false(pt_host_addr_set_has(&s, AF_INET6, v6));
        pt_host_addr_set_free(&s);
}

static void test_parse_end_and_errors(void **state)
{
        struct pt_host_addr_set s = { 0 };
        struct dgram d = { .len = 0 };
        bool intr = false;

        newaddr(&d, 3, AF_INET, "192.0.2.2", NULL);
        done(&d, 3, 0);
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 3, &intr), 1);
        assert_false(intr);
        assert_true(has(&s, "192.0.2.2"));

        d.len = 0; /* a dump the kernel flags as interrupted by a change */
        newaddr(&d, 4, AF_INET, "192.0.2.3", NULL);
        done(&d, 4, NLM_F_DUMP_INTR);
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 4, &intr), 1);
        assert_true(intr);

        d.len = 0; /* another request's end is not this one's */
        done(&d, 5, 0);
        intr = false;
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 6, &intr), 0);

        d.len = 0;
        struct nlmsghdr *h = msg_start(&d, NLMSG_ERROR, 0, 8);
        struct nlmsgerr e = { .error = -EPERM };
        msg_put(h, &e, sizeof(e));
        msg_end(&d, h);
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 8, &intr), -EPERM);

        d.len = 0; /* an address of the wrong size */
        h = msg_start(&d, RTM_NEWADDR, NLM_F_MULTI, 9);
        struct ifaddrmsg m = { .ifa_family = AF_INET6 };
        msg_put(h, &m, sizeof(m));
        uint8_t four[4] = { 1, 2, 3, 4 };
        put_attr(h, IFA_ADDRESS, four, 4);
        msg_end(&d, h);
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 9, &intr), -EBADMSG);

        d.len = 0; /* a message longer than the datagram */
        newaddr(&d, 10, AF_INET, "192.0.2.4", NULL);
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len - 4, 10, &intr), -EBADMSG);

        d.len = 0; /* other families and message types are not addresses */
        h = msg_start(&d, RTM_NEWADDR, NLM_F_MULTI, 11);
        struct ifaddrmsg mp = { .ifa_family = AF_PACKET };
        msg_put(h, &mp, sizeof(mp));
        msg_end(&d, h);
        h = msg_start(&d, RTM_NEWLINK, NLM_F_MULTI, 11);
        msg_put(h, four, sizeof(four));
        msg_end(&d, h);
        size_t before = s.n;
        assert_int_equal(pt_host_addr_set_parse(&s, d.b, d.len, 11, &intr), 0);
        assert_int_equal(s.n, before);
        pt_host_addr_set_free(&s);
}

static bool lo_has_ipv6(void)
{
        FILE *f = fopen("/proc/net/if_inet6", "r");
        char line[256];
        bool found = false;
        while (f && fgets(line, sizeof(line), f))
                if (strncmp(line, "00000000000000000000000000000001", 32) == 0)
                        found = true;
        if (f)
                fclose(f);
        return found;
}

/* A real dump of this namespace: loopback is always there. */
static void test_dump(void **state)
{
        int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
        if (fd < 0)
                skip();
        struct pt_host_addr_set s = { 0 };
        for (uint32_t seq = 1; seq <= 3; seq++) {
                int r = pt_host_addr_set_dump(&s, fd, seq);
                if (r == -EAGAIN) /* interrupted by a change elsewhere: once more */
                        r = pt_host_addr_set_dump(&s, fd, seq + 100);
                assert_int_equal(r, 0);
                assert_true(has(&s, "127.0.0.1"));
                assert_true(has(&s, "::ffff:127.0.0.1"));
                if (lo_has_ipv6())
                        assert_true(has(&s, "::1"));
        }
        pt_host_addr_set_free(&s);
        close(fd);
}

int main(void)
{
        const struct CMUnitTest tests[] = {
                cmocka_unit_test(test_parse_addresses),
                cmocka_unit_test(test_parse_end_and_errors),
                cmocka_unit_test(test_dump),
        };
        return cmocka_run_group_tests(tests, NULL, NULL);
}
