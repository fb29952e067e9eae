using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Session.Trust;
using static SecureChat.Engine.Tests.Identity.TrustKeys;

namespace SecureChat.Engine.Tests.Identity;

public sealed class KnownClientsTests
{
    [Fact]
    public void A_client_goes_from_new_to_known_with_its_last_name_to_verified_across_instances()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownClients clients = new(directory, May1st);
        byte[] bob = Key("bob");

        clients.Check(bob).State.ShouldBe(TrustState.New);
        clients.Remember(bob, "Bob").State.ShouldBe(TrustState.New);
        TrustCheck known = new KnownClients(ConfigDirectory.OpenPath(temp.Combine("c"))).Check(bob);
        known.State.ShouldBe(TrustState.Known);
        known.LastName.ShouldBe("Bob");
        known.FirstSeen.ShouldBe(new DateOnly(2026, 5, 1));

        clients.Remember(bob, "Robert").LastName.ShouldBe("Bob");
        clients.Check(bob).LastName.ShouldBe("Robert");
        clients.MarkVerified(bob).ShouldBeTrue();
        TrustCheck verified = clients.Check(bob);
        verified.State.ShouldBe(TrustState.Verified);
        verified.LastName.ShouldBe("Robert");
        clients.Remember(bob, "Bobby").State.ShouldBe(TrustState.Verified);
        clients.Check(bob).State.ShouldBe(TrustState.Verified);

        clients.Flush(); // a changed last name is rewritten on the thread pool, moments later
        File.ReadAllLines(directory.PathOf("known_clients")).Where(l => !l.StartsWith('#'))
            .ShouldBe([$"{Convert.ToBase64String(bob)} verified 2026-05-01 Bobby"]);
    }

    [Fact]
    public void As_a_session_trust_decision_every_client_is_accepted_remembered_and_shown_as_the_file_knew_it()
    {
        using TempDirectory temp = new();
        KnownClients clients = new(ConfigDirectory.OpenPath(temp.Combine("c")), May1st);
        IPeerTrust trust = clients;
        var bob = new PeerIdentity(Key("bob"), "Bob");

        IdentityVerdict first = trust.Judge(bob);
        first.Accepted.ShouldBeTrue();
        first.Trust.ShouldBe(TrustState.New);
        clients.Check(bob.PublicKey).LastName.ShouldBe("Bob");

        trust.Judge(bob with { Name = "Robert" }).Trust.ShouldBe(TrustState.Known);
        clients.MarkVerified(bob.PublicKey).ShouldBeTrue();
        trust.Judge(bob).Trust.ShouldBe(TrustState.Verified);
        clients.Check(bob.PublicKey).LastName.ShouldBe("Bob");
    }

    [Fact]
    public void A_name_with_line_breaks_spaces_or_a_leading_hash_cannot_forge_a_line()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        KnownClients clients = new(directory);
        byte[] mallory = Key("mallory");
        string forged = $"x\n{Convert.ToBase64String(Key("victim"))} verified 2026-01-01 Victim";

        clients.Remember(mallory, forged);
        clients.Check(Key("victim")).State.ShouldBe(TrustState.New);
        clients.Check(mallory).LastName.ShouldBe(forged);
        File.ReadAllLines(directory.PathOf("known_clients")).Count(l => !l.StartsWith('#')).ShouldBe(1);

        foreach (string name in new[] { "#hash", "two words", "tab\there", "100%", "bidi\u202Eevil", "crlf\r\n", "你好 😀" })
        {
            clients.Remember(mallory, name);
            clients.Check(mallory).LastName.ShouldBe(name);
        }
    }

    [Fact]
    public void Marking_an_unseen_client_verified_stores_it()
    {
        using TempDirectory temp = new();
        KnownClients clients = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        clients.MarkVerified(Key("carol"), "Carol").ShouldBeTrue();
        TrustCheck check = clients.Check(Key("carol"));
        check.State.ShouldBe(TrustState.Verified);
        check.LastName.ShouldBe("Carol");
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_kept()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        string[] odd = ["junk line", $"{Convert.ToBase64String(Key("z"))} maybe 2026-01-01 Z", "# note"];
        File.WriteAllLines(directory.PathOf("known_clients"), odd);
        KnownClients clients = new(directory);
        clients.Check(Key("z")).State.ShouldBe(TrustState.New);
        clients.Remember(Key("z"), "Zed");
        File.ReadAllLines(directory.PathOf("known_clients"))[..3].ShouldBe(odd);
        clients.Check(Key("z")).State.ShouldBe(TrustState.Known);
    }

    [Fact]
    public async Task Parallel_instances_remembering_clients_lose_none()
    {
        using TempDirectory temp = new();
        string path = temp.Combine("c");
        await Task.WhenAll(Enumerable.Range(0, 24).Select(i => Task.Run(() =>
            new KnownClients(ConfigDirectory.OpenPath(path)).Remember(Key($"c{i}"), $"user{i}"))));

        KnownClients check = new(ConfigDirectory.OpenPath(path));
        for (int i = 0; i < 24; i++)
        {
            TrustCheck c = check.Check(Key($"c{i}"));
            c.State.ShouldBe(TrustState.Known);
            c.LastName.ShouldBe($"user{i}");
        }
    }
}
