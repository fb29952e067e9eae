using System.Buffers;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Session.Trust;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// The sealed ServerAuth and ClientAuth (Session/Handshake/Authentication.cs): the finished MAC is checked first,
/// then the Ed25519 signature, then the trust callback, which may refuse before the client sends anything more.
/// </summary>
public sealed class IdentityTests
{
    [Fact]
    public void A_server_whose_signature_does_not_verify_is_rejected_by_the_client_and_the_server_is_told()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client),
            SessionPair.Settings(SessionRole.Server) with { Identity = new ForgingSigner() });
        pair.Start();
        pair.Pump();
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.IdentityRejected);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IdentityRejected);
        pair.EventsOf<EstablishedEvent>(pair.Client).ShouldBeEmpty();
        pair.EventsOf<EstablishedEvent>(pair.Server).ShouldBeEmpty();
    }

    [Fact]
    public void A_client_whose_signature_does_not_verify_is_rejected_by_the_server()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { Identity = new ForgingSigner() },
            SessionPair.Settings(SessionRole.Server));
        pair.Start();
        pair.Pump();
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IdentityRejected);
        pair.EventsOf<EstablishedEvent>(pair.Server).ShouldBeEmpty();
        pair.Client.IsSecure.ShouldBeFalse("the server's sealed Close or Alert ends the client too");
    }

    [Fact]
    public void The_trust_callback_sees_the_peer_s_proven_key_and_name_and_its_verdict_is_the_established_trust()
    {
        using var serverIdentity = new EphemeralSigner();
        PeerIdentity? asked = null;
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { PeerTrust = new DelegatedPeerTrust(peer => { asked = peer; return IdentityVerdict.Accept(TrustState.Verified); }) },
            SessionPair.Settings(SessionRole.Server) with { Identity = serverIdentity, Name = "the hub", PeerTrust = new DelegatedPeerTrust(_ => IdentityVerdict.Accept(TrustState.Known)) });
        pair.Start();
        pair.Pump();
        asked!.PublicKey.ShouldBe(serverIdentity.PublicKey);
        asked.Name.ShouldBe("the hub");
        asked.Fingerprint.ShouldBe(IdentityFingerprint.Of(serverIdentity.PublicKey));
        pair.EventsOf<EstablishedEvent>(pair.Client).ShouldHaveSingleItem().Trust.ShouldBe(TrustState.Verified);
        pair.EventsOf<EstablishedEvent>(pair.Server).ShouldHaveSingleItem().Trust.ShouldBe(TrustState.Known);
        pair.Client.Trust.ShouldBe(TrustState.Verified);
    }

    [Fact]
    public void A_client_whose_trust_store_refuses_the_server_s_identity_fails_as_identity_changed_and_sends_nothing_more()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { PeerTrust = new DelegatedPeerTrust(_ => IdentityVerdict.Refuse("WARNING: the server's identity changed")) },
            SessionPair.Settings(SessionRole.Server));
        pair.Start();
        for (int i = 0; i < 20 && !pair.Server.HasOutput; i++)
        {
            // Move everything up to the server's ServerAuth.
            byte[] toServer = pair.Take(pair.Client);
            if (toServer.Length > 0)
            {
                pair.Deliver(pair.Server, toServer);
            }
        }

        List<byte[]> fromServer = [];
        for (int i = 0; i < 20 && !pair.Client.IsEnded; i++)
        {
            byte[] bytes = pair.Take(pair.Server);
            fromServer.AddRange(Frames.Split(bytes));
            pair.Deliver(pair.Client, bytes);
            if (!pair.Client.IsEnded)
            {
                pair.Deliver(pair.Server, pair.Take(pair.Client));
            }
        }

        fromServer.Last()[0].ShouldBe((byte)FrameType.ServerAuth);
        pair.Client.Stage.ShouldBe(SessionStage.Failed);
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.IdentityChanged);
        pair.Client.Failure.Message.ShouldBe("WARNING: the server's identity changed");
        pair.Client.HasOutput.ShouldBeFalse("nothing, not even an Alert, goes to a server whose identity was refused");
        pair.EventsOf<EstablishedEvent>(pair.Client).ShouldBeEmpty();
        pair.Server.IsSecure.ShouldBeFalse("the server never received a ClientAuth");
    }

    public static TheoryData<string, int> ServerAuthTampering => new()
    {
        { "identity key", 0 },
        { "signature", 32 },
        { "name", 97 },
        { "finished", -1 },
    };

    [Theory]
    [MemberData(nameof(ServerAuthTampering))]
    public void A_server_auth_altered_under_the_right_keys_fails_the_client_s_key_confirmation_before_its_signature_or_trust(string what, int offset)
    {
        // Whoever could seal under the session keys and alter the ServerAuth still meets the finished MAC first: it
        // covers the identity key, signature and name, so no alteration reaches the signature check or the trust store.
        bool asked = false;
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { PeerTrust = new DelegatedPeerTrust(_ => { asked = true; return IdentityVerdict.Accept(TrustState.New); }) },
            SessionPair.Settings(SessionRole.Server) with { Name = "hub" });
        byte[] serverAuth = RunToServerAuth(pair);

        byte[] altered = Reseal(pair.Server, serverAuth, plaintext =>
        {
            plaintext[offset < 0 ? plaintext.Length + offset : offset] ^= 0x01;
            return plaintext;
        });
        pair.Deliver(pair.Client, altered);

        pair.Client.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed, what);
        asked.ShouldBeFalse(what);
        pair.EventsOf<EstablishedEvent>(pair.Client).ShouldBeEmpty();
    }

    [Fact]
    public void A_server_auth_that_does_not_parse_is_a_protocol_violation()
    {
        using SessionPair pair = SessionPair.Create();
        byte[] serverAuth = RunToServerAuth(pair);
        pair.Deliver(pair.Client, Reseal(pair.Server, serverAuth, plaintext => plaintext[..^1]));
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Fact]
    public void A_bit_flipped_in_the_sealed_server_auth_fails_the_client_s_key_confirmation()
    {
        using SessionPair pair = SessionPair.Create();
        byte[] serverAuth = RunToServerAuth(pair);
        serverAuth[^1] ^= 0x80;
        pair.Deliver(pair.Client, serverAuth);
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
    }

    [Fact]
    public void A_server_auth_sent_as_a_client_auth_fails_and_a_chat_record_in_its_place_is_refused()
    {
        using (SessionPair pair = SessionPair.Create())
        {
            byte[] serverAuth = RunToServerAuth(pair);
            serverAuth[0] = (byte)FrameType.ClientAuth; // the record MAC covers the type
            pair.Deliver(pair.Client, serverAuth);
            pair.Client.IsSecure.ShouldBeFalse();
            pair.Client.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
        }

        using (SessionPair pair = SessionPair.Create())
        {
            byte[] serverAuth = RunToServerAuth(pair);
            byte[] relay = Reseal(pair.Server, serverAuth, plaintext => plaintext, FrameType.GroupRelay);
            pair.Deliver(pair.Client, relay);
            pair.Client.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation, "only ServerAuth may come before the handshake ends");
        }
    }

    [Fact]
    public void A_client_auth_replayed_from_another_session_fails_the_server()
    {
        using SessionPair second = SessionPair.Create();
        _ = RunToServerAuth(second);

        using SessionPair donor = SessionPair.Create();
        byte[] donorAuth = RunToServerAuth(donor);
        donor.Deliver(donor.Client, donorAuth);
        byte[] clientAuth = donor.Take(donor.Client);
        Frames.TypeOf(clientAuth).ShouldBe(FrameType.ClientAuth);

        second.Deliver(second.Server, clientAuth);
        second.Server.IsSecure.ShouldBeFalse();
        second.Server.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
    }

    /// <summary>Runs a handshake until the server has written its ServerAuth; returns it undelivered.</summary>
    private static byte[] RunToServerAuth(SessionPair pair)
    {
        pair.Start();
        for (int flights = 0; flights < 3; flights++) // with the early Commit, ServerAuth answers the second client flight; without, the third
        {
            pair.Deliver(pair.Server, pair.Take(pair.Client));
            byte[] fromServer = pair.Take(pair.Server);
            if (Frames.TypeOf(fromServer) == FrameType.ServerAuth)
            {
                return fromServer;
            }

            pair.Deliver(pair.Client, fromServer);
        }

        throw new ShouldAssertException("the server never sent its ServerAuth");
    }

    /// <summary>Opens the server's first record with its own keys, alters the plaintext, and seals it again as record 0.</summary>
    private static byte[] Reseal(SecureSession server, byte[] frame, Func<byte[], byte[]> alter, FrameType? asType = null)
    {
        SessionKeys keys = server.Records.CurrentKeys;
        byte[] body = Frames.BodyOf(frame);
        byte[] plaintext = new byte[body.Length];
        using (RecordProtector open = keys.CreateSendProtector(isClient: false))
        {
            open.TryOpen(0, frame[0], body, plaintext, out int length).ShouldBeTrue();
            plaintext = plaintext[..length];
        }

        byte[] altered = alter(plaintext);
        FrameType type = asType ?? (FrameType)frame[0];
        byte[] sealedBody = new byte[RecordProtector.SealedSize(altered.Length)];
        using (RecordProtector seal = keys.CreateSendProtector(isClient: false))
        {
            seal.Seal(0, (byte)type, altered, sealedBody, SystemRandom.Instance);
        }

        return Frames.Build(type, sealedBody);
    }

    /// <summary>An identity that signs the wrong bytes: its public key is real, its signatures never verify.</summary>
    private sealed class ForgingSigner : ISigner
    {
        private readonly EphemeralSigner _inner = new();

        public byte[] PublicKey => _inner.PublicKey;

        public byte[] Sign(ReadOnlySpan<byte> data) => _inner.Sign([.. data, 0]);
    }
}
