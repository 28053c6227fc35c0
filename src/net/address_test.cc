#include "net/address.h"

#include <gtest/gtest.h>

namespace townhall::net {
namespace {

IpAddress ip(const char* text) { return boost::asio::ip::make_address(text); }

TEST(Address, Loopback) {
  EXPECT_TRUE(is_loopback(ip("127.0.0.1")));
  EXPECT_TRUE(is_loopback(ip("127.8.9.10")));
  EXPECT_TRUE(is_loopback(ip("::1")));
  EXPECT_TRUE(is_loopback(ip("::ffff:127.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("10.0.0.1")));
  EXPECT_FALSE(is_loopback(ip("::")));
  EXPECT_TRUE(is_loopback_listen_address("127.0.0.1"));
  EXPECT_TRUE(is_loopback_listen_address("[::1]"));
  EXPECT_TRUE(is_loopback_listen_address("localhost"));
  EXPECT_TRUE(is_loopback_listen_address(""));  // ":8080" binds loopback
  EXPECT_FALSE(is_loopback_listen_address("0.0.0.0"));
  EXPECT_FALSE(is_loopback_listen_address("::"));
  EXPECT_FALSE(is_loopback_listen_address("192.168.1.4"));
  EXPECT_FALSE(is_loopback_listen_address("example.com"));
}

TEST(Address, Ranges) {
  std::string error;
  auto ranges = AddressRanges::parse("10.0.0.0/8, 192.168.1.7,fd00::/8", &error);
  ASSERT_TRUE(ranges) << error;
  EXPECT_TRUE(ranges->contains(ip("10.200.3.4")));
  EXPECT_TRUE(ranges->contains(ip("::ffff:10.1.1.1")));
  EXPECT_TRUE(ranges->contains(ip("192.168.1.7")));
  EXPECT_FALSE(ranges->contains(ip("192.168.1.8")));
  EXPECT_TRUE(ranges->contains(ip("fd12::1")));
  EXPECT_FALSE(ranges->contains(ip("fe80::1")));
  EXPECT_FALSE(ranges->contains(ip("11.0.0.1")));
  auto odd = AddressRanges::parse("10.1.2.3/12", &error);
  ASSERT_TRUE(odd);
  EXPECT_TRUE(odd->contains(ip("10.15.255.255")));
  EXPECT_FALSE(odd->contains(ip("10.16.0.0")));
  auto all = AddressRanges::parse("0.0.0.0/0", &error);
  ASSERT_TRUE(all);
  EXPECT_TRUE(all->contains(ip("8.8.8.8")));

  EXPECT_FALSE(AddressRanges::parse("10.0.0.0/33", &error));
  EXPECT_FALSE(AddressRanges::parse("proxy.local", &error));
  EXPECT_NE(error.find("proxy.local"), std::string::npos);
  EXPECT_FALSE(AddressRanges::parse("10.0.0.0/", &error));
}

TEST(Address, ForwardedForIsBelievedOnlyFromTrustedProxies) {
  std::string error;
  auto trusted = *AddressRanges::parse("127.0.0.1,10.0.0.0/8", &error);
  // The peer is not a proxy: the header is whatever the client wrote.
  EXPECT_EQ(client_address(ip("203.0.113.9"), "1.2.3.4", trusted), "203.0.113.9");
  // Through the proxy: the address it received from.
  EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.2", trusted), "198.51.100.2");
  // A client-supplied entry left of the real one is ignored.
  EXPECT_EQ(client_address(ip("127.0.0.1"), "6.6.6.6, 198.51.100.2", trusted), "198.51.100.2");
  // Two proxies in a row.
  EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.2, 10.1.1.1", trusted), "198.51.100.2");
  // No header, or garbage: the peer.
  EXPECT_EQ(client_address(ip("127.0.0.1"), "", trusted), "127.0.0.1");
  EXPECT_EQ(client_address(ip("127.0.0.1"), "not-an-ip", trusted), "127.0.0.1");
  // Nothing trusted.
  EXPECT_EQ(client_address(ip("127.0.0.1"), "198.51.100.2", AddressRanges()), "127.0.0.1");
}

TEST(Address, HostPolicyRefusesForeignNames) {
  HostPolicy policy;
  EXPECT_TRUE(host_allowed("127.0.0.1:8000", policy));
  EXPECT_TRUE(host_allowed("[::1]:8000", policy));
  EXPECT_TRUE(host_allowed("localhost:8000", policy));
  EXPECT_TRUE(host_allowed("LOCALHOST", policy));
  EXPECT_TRUE(host_allowed("app.localhost:8000", policy));
  EXPECT_TRUE(host_allowed("192.168.1.20:8000", policy));
  EXPECT_TRUE(host_allowed("", policy));
  EXPECT_FALSE(host_allowed("attacker.example:8000", policy));
  EXPECT_FALSE(host_allowed("localhost.attacker.example", policy));
  EXPECT_FALSE(host_allowed("127.0.0.1.nip.io:8000", policy));
  EXPECT_FALSE(host_allowed("[::1", policy));
  policy.names = {"db.example.com"};
  EXPECT_TRUE(host_allowed("DB.example.com:443", policy));
  EXPECT_TRUE(host_allowed("db.example.com.", policy));
  policy.enforce = false;
  EXPECT_TRUE(host_allowed("attacker.example", policy));
}

}  // namespace
}  // namespace townhall::net
