using System.Net;
using SecureChat.Engine.Session;
using SecureChat.Engine.Transport;
using SecureChat.Engine.Session.Trust;
using SecureChat.Tui.App;

namespace SecureChat.Tui.Tests.App;

/// <summary>The status made from the table of links: never a departed peer's key, and a client's first stage is connecting.</summary>
public sealed class LinkTableTests
{
    [Fact]
    public void A_server_shows_the_only_peers_key_the_count_with_several_and_never_a_departed_peers_key()
    {
        var table = new LinkTable(isServer: true);
        table.Status("Alice").ShouldBe(new ChatStatus("listening", null, "0 peers", "Alice"));

        PeerInfo bob = Secure(1, "Bob", "AAAA");
        PeerInfo carol = Secure(2, "Carol", "CCCC");
        table.Keyed(bob);
        table.Status("Alice").ShouldBe(new ChatStatus("secure", "AAAA", "1 peer", "Alice"));

        table.Keyed(carol);
        table.Status("Alice").ShouldBe(new ChatStatus("secure", null, "2 peers", "Alice", SeveralKeys: true));

        table.Ended(carol with { Stage = SessionStage.Closed }, SessionStage.Closed);
        table.Status("Alice").KeyHash.ShouldBe("AAAA", "the remaining peer's key, not the departed one's");

        table.Ended(bob with { Stage = SessionStage.Closed }, SessionStage.Closed);
        table.Status("Alice").ShouldBe(new ChatStatus("listening", null, "0 peers", "Alice"));
    }

    [Fact]
    public void A_server_announces_a_connection_once_its_hello_is_accepted_and_never_one_that_ended_at_its_hello()
    {
        var table = new LinkTable(isServer: true);
        var address = new IPEndPoint(IPAddress.Loopback, 40001);
        PeerInfo puzzled = new(1, address, "client", SessionStage.Connected, null, null, null);
        table.Update(puzzled).ShouldBeFalse("only TCP is up: the hello may still be answered with a puzzle");
        table.Status("Alice").Stage.ShouldBe("joining: connected");
        table.Update(puzzled with { Stage = SessionStage.Failed }).ShouldBeFalse();
        table.Ended(puzzled, SessionStage.Failed);
        table.Status("Alice").ShouldBe(new ChatStatus("listening", null, "0 peers", "Alice"));

        PeerInfo joining = new(2, address, "client", SessionStage.Connected, null, null, null);
        table.Update(joining).ShouldBeFalse();
        table.Update(joining with { Stage = SessionStage.ExchangingKeys }).ShouldBeTrue();
        table.Update(joining with { Stage = SessionStage.DerivingKey }).ShouldBeFalse("announced once");
    }

    [Theory]
    [InlineData(SessionStage.Failed, "failed")]
    [InlineData(SessionStage.Closed, "disconnected")]
    public void A_client_whose_link_ended_never_shows_secure_even_when_the_last_snapshot_still_said_so(SessionStage stage, string shown)
    {
        var table = new LinkTable(isServer: false);
        PeerInfo server = Secure(1, "Alice", "AAAA");
        table.Keyed(server);
        table.Status("Bob").Stage.ShouldBe("secure");

        table.Ended(server, stage);
        table.Status("Bob").Stage.ShouldBe(shown);
    }

    [Fact]
    public void A_server_marks_a_joining_clients_stage_as_the_joiners_beside_the_secure_peers_key()
    {
        var table = new LinkTable(isServer: true);
        table.Keyed(Secure(1, "Bob", "AAAA") with { Identity = "B0B0", Trust = TrustState.Known });
        table.Update(new PeerInfo(2, new IPEndPoint(IPAddress.Loopback, 40002), "client", SessionStage.DerivingKey, null, null, null));

        ChatStatus status = table.Status("Alice");

        status.Stage.ShouldBe("joining: deriving key");
        status.KeyHash.ShouldBe("AAAA");
        status.Identity.ShouldBe("B0B0", "the identity, with its trust word, is the secure peer's too");
        status.Trust.ShouldBe("known");
    }

    [Fact]
    public void A_client_starts_at_connecting_never_at_an_undocumented_stage()
    {
        var table = new LinkTable(isServer: false);
        table.Status("Bob").Stage.ShouldBe("connecting");
    }

    [Fact]
    public void A_client_waiting_to_retry_a_busy_server_shows_which_retry_then_its_next_stage()
    {
        var table = new LinkTable(isServer: false);
        var server = new IPEndPoint(IPAddress.Loopback, 23999);
        var refused = new PeerInfo(1, server, "Server", SessionStage.WaitingToRetry, null, null, null)
        {
            Retry = new BusyRetry(2, 4, TimeSpan.FromMilliseconds(400), FailureReason.ServerBusy),
        };
        table.Update(refused);
        table.Status("Bob").Stage.ShouldBe("server busy, retrying (2/4)");

        table.Update(refused with { Stage = SessionStage.ExchangingKeys, Retry = null });
        table.Status("Bob").Stage.ShouldBe("exchanging keys");
    }

    private static PeerInfo Secure(int id, string name, string key) =>
        new(id, new IPEndPoint(IPAddress.Loopback, 40000 + id), name, SessionStage.Secure, key, "123 456", null);
}
