using SecureChat.Engine.Crypto;
using System.Runtime.Versioning;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Session.Trust;
using static SecureChat.Engine.Tests.Identity.TrustKeys;

namespace SecureChat.Engine.Tests.Identity;

[UnsupportedOSPlatform("windows")]
public sealed class KnownServersTests
{
    [Fact]
    public void A_server_goes_from_new_to_known_to_verified_and_stays_so_for_a_new_instance()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownServers servers = new(directory, May1st);
        byte[] key = Key("server");

        servers.Check("localhost:12345", key).State.ShouldBe(TrustState.New);
        servers.Pin("localhost:12345", key).State.ShouldBe(TrustState.New);
        TrustCheck known = servers.Check("localhost:12345", key);
        known.State.ShouldBe(TrustState.Known);
        known.PinnedKey.ShouldBe(key);
        known.FirstSeen.ShouldBe(new DateOnly(2026, 5, 1));
        servers.Pin("localhost:12345", key).State.ShouldBe(TrustState.Known);

        servers.MarkVerified("localhost:12345", key).ShouldBeTrue();
        servers.Check("localhost:12345", key).State.ShouldBe(TrustState.Verified);

        KnownServers later = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        later.Check("LOCALHOST:12345", key).State.ShouldBe(TrustState.Verified);
        later.Check("localhost:12346", Key("other")).State.ShouldBe(TrustState.New);

        // The same identity under another name is not new: it is what it was where it is pinned, and says where.
        TrustCheck moved = later.Check("localhost:12346", key);
        moved.State.ShouldBe(TrustState.Verified);
        moved.PinnedAs.ShouldBe("localhost:12345");
    }

    [Theory]
    [InlineData("127.1")]
    [InlineData("127.000.000.001")]
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("[::FFFF:7F00:1]")]
    public void Address_literals_are_pinned_in_their_canonical_form(string host) =>
        KnownServers.Endpoint(host, 80).ShouldBe("127.0.0.1:80");

    [Fact]
    public void A_server_reached_under_several_names_is_pinned_under_each_and_changed_under_any()
    {
        using TempDirectory temp = new();
        KnownServers servers = new(ConfigDirectory.OpenPath(temp.Combine("c")), May1st);
        servers.Pin(["chat.example:1", "192.0.2.7:1"], Key("server")).State.ShouldBe(TrustState.New);
        servers.Check("192.0.2.7:1", Key("server")).State.ShouldBe(TrustState.Known);

        TrustCheck impostor = servers.Pin(["chat.example:1", "198.51.100.9:1"], Key("impostor"));
        impostor.State.ShouldBe(TrustState.Changed);
        impostor.PinnedAs.ShouldBe("chat.example:1");
        servers.Check("198.51.100.9:1", Key("impostor")).State.ShouldBe(TrustState.New); // nothing written

        // Accepted deliberately under one name: every name the server was known by follows.
        servers.Replace(["chat.example:1"], Key("reinstalled")).ShouldBe(Key("server"));
        servers.Check("192.0.2.7:1", Key("reinstalled")).State.ShouldBe(TrustState.Known);
        servers.Check("192.0.2.7:1", Key("server")).State.ShouldBe(TrustState.Changed);
    }

    [Fact]
    public void The_file_is_one_readable_line_per_server_after_a_comment_header()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownServers servers = new(directory, May1st);
        servers.Pin("Chat.Example.org.:443", Key("a"));
        servers.Pin("[::1]:12345", Key("b"));
        servers.MarkVerified("[::1]:12345", Key("b"));

        string[] lines = File.ReadAllLines(directory.PathOf("known_servers"));
        lines.Where(l => !l.StartsWith('#')).ShouldBe([
            $"chat.example.org:443 {Convert.ToBase64String(Key("a"))} known 2026-05-01",
            $"[::1]:12345 {Convert.ToBase64String(Key("b"))} verified 2026-05-01",
        ]);
        lines[0].ShouldStartWith("# ");
        File.GetUnixFileMode(directory.PathOf("known_servers")).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    [Fact]
    public void A_different_key_is_reported_as_changed_with_the_pinned_key_and_pin_never_replaces_it()
    {
        using TempDirectory temp = new();
        KnownServers servers = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        servers.Pin("host:1", Key("old"));
        TrustCheck changed = servers.Check("host:1", Key("new"));
        changed.State.ShouldBe(TrustState.Changed);
        changed.PinnedKey.ShouldBe(Key("old"));
        changed.PinnedFingerprint.ShouldBe(IdentityFingerprint.Of(Key("old")));

        servers.Pin("host:1", Key("new")).State.ShouldBe(TrustState.Changed);
        servers.MarkVerified("host:1", Key("new")).ShouldBeFalse();
        servers.Check("host:1", Key("old")).State.ShouldBe(TrustState.Known);
    }

    [Fact]
    public void Replace_is_the_deliberate_way_to_accept_a_change_and_reports_the_old_key()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownServers servers = new(directory);
        servers.Pin("host:1", Key("old"));
        servers.MarkVerified("host:1", Key("old"));
        File.AppendAllText(directory.PathOf("known_servers"), $"host:1 {Convert.ToBase64String(Key("older"))} known 2020-01-01\n");

        servers.Replace("host:1", Key("new")).ShouldBe(Key("old"));
        servers.Check("host:1", Key("new")).State.ShouldBe(TrustState.Known);
        servers.Check("host:1", Key("old")).State.ShouldBe(TrustState.Changed);
        File.ReadAllLines(directory.PathOf("known_servers")).Count(l => l.StartsWith("host:1 ")).ShouldBe(1);
        servers.Replace("other:2", Key("x")).ShouldBeNull();
    }

    [Theory]
    [InlineData("LocalHost", 12345, "localhost:12345")]
    [InlineData("example.COM.", 1, "example.com:1")]
    [InlineData("::1", 12345, "[::1]:12345")]
    [InlineData("[0:0:0:0:0:0:0:1]", 80, "[::1]:80")]
    [InlineData("FE80::A", 65535, "[fe80::a]:65535")]
    [InlineData("127.0.0.1", 9, "127.0.0.1:9")]
    public void Endpoints_are_normalised(string host, int port, string expected)
    {
        KnownServers.Endpoint(host, port).ShouldBe(expected);
        KnownServers.Endpoint(expected).ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("host")]
    [InlineData("host:0")]
    [InlineData("host:65536")]
    [InlineData("::1:80")]
    [InlineData("[nothost]:80")]
    [InlineData("#host:80")]
    [InlineData("a b:80")]
    [InlineData("a\nb:80")]
    public void Malformed_endpoints_are_caller_errors(string endpoint)
    {
        Should.Throw<ArgumentException>(() => KnownServers.Endpoint(endpoint));
    }

    [Fact]
    public void Unknown_and_malformed_lines_are_skipped_and_kept_when_the_file_is_rewritten()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        string[] odd =
        [
            "# my own comment",
            "garbage",
            "host:1 not-base64 known 2026-01-01",
            $"host:1 {Convert.ToBase64String(Key("x"))} revoked 2026-01-01",
            $"host:1 {Convert.ToBase64String(Key("x")[..31])} known",
            "",
            $"good:2 {Convert.ToBase64String(Key("g"))} verified not-a-date future-field",
        ];
        File.WriteAllLines(directory.PathOf("known_servers"), odd);
        KnownServers servers = new(directory);

        servers.Check("host:1", Key("x")).State.ShouldBe(TrustState.New);
        TrustCheck good = servers.Check("good:2", Key("g"));
        good.State.ShouldBe(TrustState.Verified);
        good.FirstSeen.ShouldBeNull();

        servers.Pin("host:1", Key("x")).State.ShouldBe(TrustState.New);
        string[] after = File.ReadAllLines(directory.PathOf("known_servers"));
        after[..odd.Length].ShouldBe(odd);
        after.Length.ShouldBe(odd.Length + 1);
        servers.Check("host:1", Key("x")).State.ShouldBe(TrustState.Known);
    }

    [Fact]
    public async Task Parallel_instances_pinning_different_servers_lose_none()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("c");
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
        {
            KnownServers servers = new(ConfigDirectory.OpenPath(path));
            servers.Pin($"host{i}:1", Key($"k{i}")).State.ShouldBe(TrustState.New);
            servers.MarkVerified($"host{i}:1", Key($"k{i}")).ShouldBeTrue();
        })));

        KnownServers check = new(ConfigDirectory.OpenPath(path));
        for (int i = 0; i < 24; i++)
        {
            check.Check($"host{i}:1", Key($"k{i}")).State.ShouldBe(TrustState.Verified);
        }
    }

    [Fact]
    public async Task Parallel_first_contacts_with_one_server_under_different_keys_pin_exactly_one()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("c");
        TrustCheck[] results = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
            new KnownServers(ConfigDirectory.OpenPath(path)).Pin("contested:1", Key($"k{i}")))));

        results.Count(r => r.State == TrustState.New).ShouldBe(1);
        results.Count(r => r.State == TrustState.Changed).ShouldBe(7);
        File.ReadAllLines(Path.Combine(path, "known_servers")).Count(l => l.StartsWith("contested:1 ")).ShouldBe(1);
    }

    [Fact]
    public void A_key_that_is_not_32_bytes_is_a_caller_error()
    {
        using TempDirectory temp = new();
        KnownServers servers = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        Should.Throw<ArgumentException>(() => servers.Check("h:1", new byte[31]));
        Should.Throw<ArgumentException>(() => servers.Pin("h:1", new byte[33]));
    }
}
