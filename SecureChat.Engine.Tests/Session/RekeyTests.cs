using SecureChat.Engine.Chat;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

public sealed class RekeyTests
{
    [Fact]
    public void A_rekey_started_by_the_client_gives_both_sides_the_same_new_fingerprint_and_sas()
    {
        using SessionPair pair = SessionPair.Established();
        AssertRekeys(pair, () => pair.Client.RequestRekey().ShouldBeTrue());
    }

    [Fact]
    public void A_rekey_started_by_the_server_gives_both_sides_the_same_new_fingerprint_and_sas()
    {
        using SessionPair pair = SessionPair.Established();
        AssertRekeys(pair, () => pair.Server.RequestRekey().ShouldBeTrue());
    }

    [Fact]
    public void Rekeys_started_by_both_sides_at_once_end_in_one_agreed_rekey()
    {
        using SessionPair pair = SessionPair.Established();
        AssertRekeys(pair, () =>
        {
            pair.Client.RequestRekey().ShouldBeTrue();
            pair.Server.RequestRekey().ShouldBeTrue();
        });
    }

    [Fact]
    public void A_rekey_with_bytes_delivered_one_at_a_time_still_agrees()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Trickle = true;
        AssertRekeys(pair, () => pair.Server.RequestRekey().ShouldBeTrue());
    }

    [Fact]
    public void A_second_rekey_request_while_one_is_in_progress_is_declined()
    {
        using SessionPair pair = Unlimited();
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying);
        pair.Client.IsSecure.ShouldBeTrue();
        pair.Client.RequestRekey().ShouldBeFalse();
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Client.RequestRekey().ShouldBeTrue();
    }

    [Fact]
    public void Messages_sent_both_ways_during_a_rekey_arrive_in_order_and_keep_flowing_after_it()
    {
        using SessionPair pair = SessionPair.Established();
        pair.RecordGroups();
        pair.ClientChat.SendText("c before");
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.ClientChat.SendText("c during 1");
        pair.ServerChat.SendText("s during 1");

        // Step the exchange by hand so messages cross each rekey message in flight.
        pair.Deliver(pair.Server, pair.Take(pair.Client));   // before, RekeyInit, during 1 -> server answers with RekeyAck
        pair.ServerChat.SendText("s during 2");             // under the server's new sending keys
        pair.ClientChat.SendText("c during 2");             // still under the client's old keys
        pair.Deliver(pair.Client, pair.Take(pair.Server));   // s during 1, RekeyAck, s during 2 -> client sends RekeyFinish
        pair.ClientChat.SendText("c after");
        pair.Pump();
        pair.ServerChat.SendText("s after");
        pair.Pump();

        pair.GroupRecords!.AtHub().ShouldBe(["c before", "c during 1", "c during 2", "c after"]);
        pair.GroupRecords!.AtClient().ShouldBe(["s during 1", "s during 2", "s after"]);
        pair.EventsOf<RekeyedEvent>(pair.Client).ShouldHaveSingleItem();
        pair.EventsOf<RekeyedEvent>(pair.Server).ShouldHaveSingleItem();
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Fact]
    public void A_rekey_starts_by_itself_after_the_stated_number_of_records()
    {
        using SessionPair pair = SessionPair.Established(client: s => s with { RekeyAfterRecords = 4 });
        pair.RecordGroups();
        // The client's sealed ClientAuth and its first lag probe were the first records under these keys.
        string before = pair.Client.Fingerprint!;
        pair.ClientChat.SendText("1");
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.ClientChat.SendText("2");
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying);
        pair.Pump();
        pair.EventsOf<RekeyedEvent>(pair.Server).ShouldHaveSingleItem();
        pair.Client.Fingerprint.ShouldNotBe(before);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.GroupRecords!.AtHub().ShouldBe(["1", "2"]);
    }

    [Fact]
    public void A_rekey_starts_by_itself_once_the_keys_are_older_than_the_stated_time()
    {
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(client: s => s with { Time = time, RekeyAfterTime = TimeSpan.FromMinutes(5), IdleTimeout = TimeSpan.FromDays(1), HeartbeatInterval = TimeSpan.FromHours(12) });
        pair.RecordGroups();
        pair.ClientChat.SendText("early");
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        time.Advance(TimeSpan.FromMinutes(5));
        pair.ClientChat.SendText("late");
        pair.Client.Stage.ShouldBe(SessionStage.Rekeying);
        pair.Pump();
        pair.EventsOf<RekeyedEvent>(pair.Client).ShouldHaveSingleItem();
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Fact]
    public void Repeated_rekeys_give_a_new_fingerprint_each_time()
    {
        using SessionPair pair = Unlimited();
        pair.RecordGroups();
        var fingerprints = new HashSet<string> { pair.Client.Fingerprint! };
        for (int i = 0; i < 6; i++)
        {
            (i % 2 == 0 ? pair.Client : pair.Server).RequestRekey().ShouldBeTrue();
            pair.Pump();
            pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
            fingerprints.Add(pair.Client.Fingerprint!).ShouldBeTrue($"rekey {i} repeated a fingerprint");
            pair.ClientChat.SendText($"after {i}");
            pair.Pump();
        }

        pair.GroupRecords!.AtHub().Count.ShouldBe(6);
    }

    [Fact]
    public void An_old_record_replayed_after_a_rekey_is_rejected()
    {
        using SessionPair pair = SessionPair.Established();
        pair.RecordGroups();
        pair.ClientChat.SendText("old");
        byte[] old = pair.Take(pair.Client);
        pair.Deliver(pair.Server, old);
        pair.Client.RequestRekey();
        pair.Pump();
        pair.Deliver(pair.Server, old);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.AuthenticationFailed);
    }

    [Fact]
    public void The_initiator_declines_a_new_rekey_within_its_minimum_interval_after_the_last_one_ended()
    {
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(
            client: s => s with { Time = time, RekeyMinInterval = TimeSpan.FromSeconds(1) },
            server: s => s with { RekeyMinInterval = TimeSpan.Zero });
        pair.Client.RequestRekey().ShouldBeTrue("no rekey yet: nothing to wait for");
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);

        pair.Client.RequestRekey().ShouldBeFalse("at once");
        time.Advance(TimeSpan.FromMilliseconds(999));
        pair.Client.RequestRekey().ShouldBeFalse("999 ms later");
        pair.Client.HasOutput.ShouldBeFalse();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        time.Advance(TimeSpan.FromMilliseconds(1));
        pair.Client.RequestRekey().ShouldBeTrue("a whole interval later");
        pair.Pump();
        pair.EventsOf<RekeyedEvent>(pair.Client).Count.ShouldBe(2);
    }

    [Fact]
    public void A_peer_s_rekey_init_within_half_the_minimum_interval_fails_the_responder_as_too_frequent()
    {
        // The client ignores its own limit (as a flooding peer would); the server holds it to the server's.
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(
            client: s => s with { RekeyMinInterval = TimeSpan.Zero },
            server: s => s with { Time = time, RekeyMinInterval = TimeSpan.FromSeconds(1) });
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Secure);

        time.Advance(TimeSpan.FromMilliseconds(499));
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.RekeyTooFrequent);
        pair.EventsOf<RekeyedEvent>(pair.Server).Count.ShouldBe(1, "the second rekey never ran on the server");
        pair.Client.IsSecure.ShouldBeFalse("the server's sealed Close ended the client too");
    }

    [Fact]
    public void A_peer_s_rekey_init_after_half_the_minimum_interval_is_answered()
    {
        // Half the interval leaves room for the network delay between the peer's clock and ours.
        var time = new ManualTime();
        using SessionPair pair = SessionPair.Established(
            client: s => s with { RekeyMinInterval = TimeSpan.Zero },
            server: s => s with { Time = time, RekeyMinInterval = TimeSpan.FromSeconds(1) });
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Pump();
        time.Advance(TimeSpan.FromMilliseconds(500));
        pair.Client.RequestRekey().ShouldBeTrue();
        pair.Pump();
        pair.Server.Stage.ShouldBe(SessionStage.Secure, pair.Server.Failure?.Message);
        pair.EventsOf<RekeyedEvent>(pair.Server).Count.ShouldBe(2);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Fact]
    public void For_the_initiator_a_rekey_ends_when_the_rekey_ack_arrives_and_the_handshake_is_no_rekey()
    {
        // PROTOCOL.md 5: the server starts a rekey right after the handshake (the handshake does not count); for it that
        // rekey ends when the client's RekeyAck arrives. The client's RekeyInit 0.4 s later is too soon, 0.5 s is not.
        foreach ((int afterMs, bool refused) in new[] { (400, true), (500, false) })
        {
            var time = new ManualTime();
            using SessionPair pair = SessionPair.Established(
                client: s => s with { RekeyMinInterval = TimeSpan.Zero },
                server: s => s with { Time = time, RekeyMinInterval = TimeSpan.FromSeconds(1) });
            pair.Server.RequestRekey().ShouldBeTrue("a rekey right after the handshake");
            pair.Pump();
            pair.EventsOf<RekeyedEvent>(pair.Server).Count.ShouldBe(1);

            time.Advance(TimeSpan.FromMilliseconds(afterMs));
            pair.Client.RequestRekey().ShouldBeTrue();
            pair.Pump();
            (pair.Server.Failure?.Reason == FailureReason.RekeyTooFrequent).ShouldBe(refused, $"{afterMs} ms after the server's own rekey ended");
        }
    }

    /// <summary>An established pair whose sides may rekey back to back (tests that are not about the rate limit).</summary>
    private static SessionPair Unlimited() => SessionPair.Established(
        client: s => s with { RekeyMinInterval = TimeSpan.Zero },
        server: s => s with { RekeyMinInterval = TimeSpan.Zero });

    private static void AssertRekeys(SessionPair pair, Action start)
    {
        string fingerprint = pair.Client.Fingerprint!;
        start();
        pair.Pump();
        foreach (SecureSession side in new[] { pair.Client, pair.Server })
        {
            side.Stage.ShouldBe(SessionStage.Secure, side.Failure?.Message);
            RekeyedEvent rekeyed = pair.EventsOf<RekeyedEvent>(side).ShouldHaveSingleItem();
            rekeyed.Fingerprint.ShouldBe(side.Fingerprint);
            rekeyed.Sas.ShouldBe(side.Sas);
        }

        pair.Client.Fingerprint.ShouldNotBe(fingerprint);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Sas.ShouldBe(pair.Server.Sas);

        GroupRecordRecorder records = pair.RecordGroups();
        pair.ClientChat.SendText("after rekey from the client");
        pair.ServerChat.SendText("after rekey from the server");
        pair.Pump();
        records.AtHub().ShouldBe(["after rekey from the client"]);
        records.AtClient().ShouldBe(["after rekey from the server"]);
    }
}
