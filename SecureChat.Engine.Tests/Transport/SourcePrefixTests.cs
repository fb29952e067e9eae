using System.Net;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Transport;

public sealed class SourcePrefixTests
{
    [Theory]
    [InlineData("127.0.0.1", "127.0.0.255", true)]
    [InlineData("192.0.2.7", "192.0.3.7", false)]
    [InlineData("::ffff:192.0.2.7", "192.0.2.200", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    [InlineData("0.0.0.1", "::1", false)]
    public void Addresses_share_a_prefix_when_their_slash_24_or_slash_64_is_the_same(string a, string b, bool same)
    {
        (new SourcePrefix(IPAddress.Parse(a)) == new SourcePrefix(IPAddress.Parse(b))).ShouldBe(same);
        (new SourcePrefix(IPAddress.Parse(a)).GetHashCode() == new SourcePrefix(IPAddress.Parse(b)).GetHashCode()).ShouldBe(same);
    }

    [Theory]
    [InlineData("10.1.2.3", "10.1.2.0/24")]
    [InlineData("::ffff:10.1.2.3", "10.1.2.0/24")]
    [InlineData("2001:db8:1:2:3:4:5:6", "2001:db8:1:2::/64")]
    public void A_prefix_reads_as_network_and_length(string address, string expected) =>
        new SourcePrefix(IPAddress.Parse(address)).ToString().ShouldBe(expected);
}
