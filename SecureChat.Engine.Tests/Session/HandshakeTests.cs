using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Tests.Session;

public sealed class HandshakeTests
{
    public static TheoryData<DhGroupId, bool, string> GroupsAndDelivery => new()
    {
        { DhGroupId.Ffdhe2048, false, "" },
        { DhGroupId.Ffdhe3072, false, "" },
        { DhGroupId.Ffdhe4096, false, "" },
        { DhGroupId.Ffdhe2048, true, "" },
        { DhGroupId.Ffdhe3072, true, "" },
        { DhGroupId.Ffdhe4096, true, "" },
        { DhGroupId.Ffdhe2048, false, "tulip-1987" },
        { DhGroupId.Ffdhe3072, false, "tulip-1987" },
        { DhGroupId.Ffdhe4096, false, "tulip-1987" },
        { DhGroupId.Ffdhe2048, true, "tulip-1987" },
    };

    [Theory]
    [MemberData(nameof(GroupsAndDelivery))]
    public void Two_sessions_complete_the_handshake_with_equal_fingerprints_and_sas_and_each_other_s_identity(DhGroupId group, bool oneByteAtATime, string passphrase)
    {
        using SessionPair pair = SessionPair.Create(group, clientPassphrase: passphrase, serverPassphrase: passphrase, trickle: oneByteAtATime);
        pair.Start();
        pair.Pump();

        foreach (SecureSession side in new[] { pair.Client, pair.Server })
        {
            side.Stage.ShouldBe(SessionStage.Secure, side.Failure?.Message);
            side.IsSecure.ShouldBeTrue();
            side.Group.ShouldBe(group);
            side.Iterations.ShouldBe(SessionPair.FastIterations);
        }

        pair.Client.Fingerprint.ShouldNotBeNullOrEmpty();
        pair.Client.Fingerprint!.ShouldMatch("^([0-9A-F]{4} ){7}[0-9A-F]{4}$");
        pair.Client.Sas!.ShouldMatch("^[0-9]{3} [0-9]{3} [0-9]{3} [0-9]{3}$");
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        pair.Client.Sas.ShouldBe(pair.Server.Sas);

        EstablishedEvent atClient = pair.EventsOf<EstablishedEvent>(pair.Client).ShouldHaveSingleItem();
        EstablishedEvent atServer = pair.EventsOf<EstablishedEvent>(pair.Server).ShouldHaveSingleItem();
        (atClient.Fingerprint, atClient.Sas).ShouldBe((atServer.Fingerprint, atServer.Sas));
        atClient.Fingerprint.ShouldBe(pair.Client.Fingerprint);
        atClient.Peer.PublicKey.ShouldBe(pair.Server.Settings.Identity.PublicKey, "the client learns the server's identity from ServerAuth");
        atServer.Peer.PublicKey.ShouldBe(pair.Client.Settings.Identity.PublicKey, "the server learns the client's identity from ClientAuth");
        atClient.Peer.Name.ShouldBe(pair.Server.Settings.Name);
        (atClient.Trust, atServer.Trust).ShouldBe((TrustState.New, TrustState.New), "no trust callback: every identity is new");
        pair.Client.Peer!.Fingerprint.ShouldMatch("^([0-9A-F]{4} ){7}[0-9A-F]{4}$");
    }

    [Fact]
    public void Each_side_passes_through_the_documented_stages_in_order()
    {
        using SessionPair pair = SessionPair.Create();
        pair.Start();
        pair.Pump();
        SessionStage[] expected = [SessionStage.ExchangingKeys, SessionStage.DerivingKey, SessionStage.Confirming, SessionStage.Secure];
        pair.EventsOf<StageChangedEvent>(pair.Client).Select(e => e.Stage).ShouldBe(expected);
        pair.EventsOf<StageChangedEvent>(pair.Server).Select(e => e.Stage).ShouldBe(expected);
    }

    [Fact]
    public void Two_handshakes_between_the_same_settings_give_different_keys()
    {
        using SessionPair first = SessionPair.Established();
        using SessionPair second = SessionPair.Established();
        first.Client.Fingerprint.ShouldNotBe(second.Client.Fingerprint);
    }

    [Fact]
    public void The_client_sends_its_hello_and_early_commit_on_start_and_the_server_waits()
    {
        using SessionPair pair = SessionPair.Create();
        pair.Start();
        pair.Server.HasOutput.ShouldBeFalse();
        byte[] hello = pair.Take(pair.Client);
        Frames.Split(hello).Select(Frames.TypeOf).ShouldBe([Engine.Protocol.FrameType.ClientHello, Engine.Protocol.FrameType.Commit]);
        Should.Throw<InvalidOperationException>(() => pair.Client.Start());
        Should.Throw<InvalidOperationException>(() => pair.ClientChat.SendText("too early"));
    }

    [Fact]
    public void Handshake_bytes_split_at_every_position_of_each_flight_still_succeed()
    {
        // Deliver each flight in two pieces, the split moving through the flight: a stricter trickle for the
        // buffer boundaries than one byte at a time, on the 2048-bit group to keep it quick.
        for (int split = 1; split < 80; split += 7)
        {
            using SessionPair pair = SessionPair.Create();
            pair.Start();
            for (int round = 0; round < 20 && !(pair.Client.IsSecure && pair.Server.IsSecure); round++)
            {
                foreach ((SecureSession from, SecureSession to) in new[] { (pair.Client, pair.Server), (pair.Server, pair.Client) })
                {
                    byte[] bytes = pair.Take(from);
                    int at = Math.Min(split, bytes.Length);
                    pair.Deliver(to, bytes.AsSpan(0, at));
                    pair.Deliver(to, bytes.AsSpan(at));
                }
            }

            pair.Client.Stage.ShouldBe(SessionStage.Secure, $"split at {split}");
            pair.Server.Stage.ShouldBe(SessionStage.Secure, $"split at {split}");
            pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
        }
    }
}
