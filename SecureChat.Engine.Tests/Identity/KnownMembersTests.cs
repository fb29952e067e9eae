using System.Runtime.Versioning;
using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Session.Trust;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Identity.TrustKeys;

namespace SecureChat.Engine.Tests.Identity;

[UnsupportedOSPlatform("windows")]
public sealed class KnownMembersTests
{
    private static readonly byte[] s_hub = Digest("hub");
    private static readonly byte[] s_otherHub = Digest("other hub");
    private static readonly byte[] s_alice = Digest("alice");
    private static readonly byte[] s_mallory = Digest("mallory");

    [Fact]
    public void A_name_is_new_then_known_then_verified_and_stays_so_for_a_new_instance()
    {
        using TempDirectory temp = new();
        KnownMembers members = new(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key, May1st);

        members.Check(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.New);
        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.New);
        MemberTrust known = members.See(s_hub, "Alice", s_alice);
        known.State.ShouldBe(TrustState.Known);
        known.PinnedDigest.ShouldBe(s_alice);

        members.Pin(s_hub, "Alice", s_alice, verified: true).ShouldBeTrue();
        new KnownMembers(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key).See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.Verified);
        File.ReadAllText(members.FilePath).ShouldContain($"{Convert.ToBase64String(s_hub)} Alice {Convert.ToBase64String(s_alice)} verified 2026-05-01");
    }

    [Fact]
    public void The_same_name_or_a_look_alike_with_another_identity_is_changed_until_the_user_pins_the_new_one()
    {
        using TempDirectory temp = new();
        KnownMembers members = new(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key, May1st);
        members.See(s_hub, "Alice", s_alice);

        foreach (string name in new[] { "Alice", "alice", "AIice" })
        {
            MemberTrust changed = members.See(s_hub, name, s_mallory);
            changed.State.ShouldBe(TrustState.Changed, name);
            changed.PinnedDigest.ShouldBe(s_alice);
        }

        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.Known, "seeing a changed identity does not move the pin");
        members.Pin(s_hub, "Alice", s_mallory, verified: false).ShouldBeTrue();
        members.See(s_hub, "Alice", s_mallory).State.ShouldBe(TrustState.Known);
        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.Changed);
        File.ReadAllLines(members.FilePath).Count(l => !l.StartsWith('#')).ShouldBe(1);
    }

    [Fact]
    public void Each_server_has_its_own_names()
    {
        using TempDirectory temp = new();
        KnownMembers members = new(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key, May1st);
        members.See(s_hub, "Alice", s_alice);

        members.See(s_otherHub, "Alice", s_mallory).State.ShouldBe(TrustState.New);
        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.Known);
    }

    [Fact]
    public void A_name_that_could_break_the_line_is_escaped_and_reads_back_the_same()
    {
        using TempDirectory temp = new();
        KnownMembers members = new(ConfigDirectory.OpenPath(temp.Combine("c")), n => n, May1st);
        string name = "#Eve\n" + Convert.ToBase64String(s_hub) + " Alice " + Convert.ToBase64String(s_mallory) + " verified";

        members.See(s_hub, name, s_mallory).State.ShouldBe(TrustState.New);

        members.See(s_hub, name, s_mallory).State.ShouldBe(TrustState.Known);
        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.New, "the escaped name forged no line for Alice");
        File.ReadAllLines(members.FilePath).Count(l => !l.StartsWith('#')).ShouldBe(2);
    }

    [Fact]
    public void Lines_that_do_not_parse_are_skipped_and_kept()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownMembers members = new(directory, NameRules.Key, May1st);
        File.WriteAllText(members.FilePath, $"garbage line\n{Convert.ToBase64String(s_hub)} Alice not-base64 known 2026-01-01\n");

        members.See(s_hub, "Alice", s_alice).State.ShouldBe(TrustState.New);
        string[] lines = File.ReadAllLines(members.FilePath);
        lines.ShouldContain("garbage line");
        lines.Length.ShouldBe(3);
    }

    [Fact]
    public void Entering_a_lobby_of_2000_strangers_pins_each_once_and_a_new_instance_knows_them_all()
    {
        using TempDirectory temp = new();
        KnownMembers members = new(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key, May1st);
        var clock = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < 2000; i++)
        {
            members.See(s_hub, "m" + i, Digest("m" + i)).State.ShouldBe(TrustState.New);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"2000 new members seen in {clock.ElapsedMilliseconds} ms");
        clock.Restart();
        KnownMembers later = new(ConfigDirectory.OpenPath(temp.Combine("c")), NameRules.Key, May1st);
        for (int i = 0; i < 2000; i++)
        {
            later.See(s_hub, "m" + i, Digest("m" + i)).State.ShouldBe(TrustState.Known);
        }

        TestContext.Current.TestOutputHelper?.WriteLine($"2000 known members seen again in {clock.ElapsedMilliseconds} ms");
    }

    private static byte[] Digest(string who) => SHA256.HashData(Encoding.UTF8.GetBytes(who));
}
