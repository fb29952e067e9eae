using System.Buffers.Binary;
using System.Numerics;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// Passphrases, iteration counts, groups, versions, the commitment and public-value checks of the handshake, driven
/// one message at a time in the classic flights (the client's early Commit off; <see cref="EarlyCommitTests"/> covers
/// it).
/// </summary>
public sealed class NegotiationTests
{
    public static TheoryData<DhGroupId, DhGroupId, DhGroupId> GroupChoices => new()
    {
        { DhGroupId.Ffdhe3072, DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072 },
        { DhGroupId.Ffdhe2048, DhGroupId.Ffdhe4096, DhGroupId.Ffdhe4096 },
        { DhGroupId.Ffdhe4096, DhGroupId.Ffdhe2048, DhGroupId.Ffdhe4096 },
        { DhGroupId.Ffdhe2048, DhGroupId.Ffdhe3072, DhGroupId.Ffdhe3072 },
    };

    [Fact]
    public void The_same_passphrase_on_both_sides_succeeds()
    {
        using SessionPair pair = SessionPair.Create(clientPassphrase: "correct horse 🐎", serverPassphrase: "correct horse 🐎", earlyCommit: false);
        pair.Start();
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Server.Stage.ShouldBe(SessionStage.Secure);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Theory]
    [InlineData("one", "two")]
    [InlineData("Secret", "secret")]
    [InlineData("correct horse", "correct horse ")]
    public void A_different_passphrase_fails_key_confirmation_on_both_sides_saying_the_passphrases_differ(string client, string server)
    {
        // v2: the DH runs on a generator derived from each side's passphrase (CPace), so the client finds the server's
        // finished MAC wrong, fails first, and its Alert tells the server.
        using SessionPair pair = SessionPair.Create(clientPassphrase: client, serverPassphrase: server, earlyCommit: false);
        pair.Start();
        pair.Pump();
        foreach (SecureSession side in new[] { pair.Client, pair.Server })
        {
            side.Stage.ShouldBe(SessionStage.Failed);
            side.Failure!.Reason.ShouldBe(FailureReason.KeyConfirmationFailed);
            side.Failure.Message.ShouldContain("passphrases differ");
            pair.EventsOf<EstablishedEvent>(side).ShouldBeEmpty();
        }
    }

    [Theory]
    [InlineData("secret", "")]
    [InlineData("", "secret")]
    public void A_passphrase_on_one_side_only_is_refused_at_the_hellos_as_a_passphrase_mismatch_on_both_sides(string client, string server)
    {
        using SessionPair pair = SessionPair.Create(clientPassphrase: client, serverPassphrase: server, earlyCommit: false);
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.PassphraseMismatch);
        byte[] alertFrame = pair.Take(pair.Server);
        AlertMessage alert = Alert(alertFrame);
        alert.Code.ShouldBe(AlertCode.PassphraseMismatch);
        alert.Detail.ShouldBe(server.Length > 0 ? 1u : 0u, "the detail says whether the sender uses a passphrase");
        pair.Deliver(pair.Client, alertFrame);
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.PassphraseMismatch);
        pair.Client.Failure.Message.ShouldContain("passphrase");
        pair.EventsOf<EstablishedEvent>(pair.Client).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("", true)] // the client's hello also announced an early Commit (flags 0x02)
    [InlineData("", false)]
    [InlineData("secret", false)]
    public void A_client_refusing_a_server_hello_with_the_other_passphrase_use_says_in_the_detail_only_whether_it_uses_one(string passphrase, bool earlyCommit)
    {
        using var pair = new SessionPair(SessionPair.Settings(SessionRole.Client, passphrase: passphrase, earlyCommit: earlyCommit), SessionPair.Settings(SessionRole.Server));
        pair.Client.Start();
        pair.Take(pair.Client);
        byte flags = passphrase.Length > 0 ? (byte)0 : WireFormat.FlagPassphrase;

        pair.Deliver(pair.Client, ServerHelloFrame(WireFormat.Version, DhGroupId.Ffdhe2048, SessionPair.FastIterations, flags));

        pair.Client.Failure!.Reason.ShouldBe(FailureReason.PassphraseMismatch);
        AlertMessage alert = Alert(pair.Take(pair.Client));
        alert.Code.ShouldBe(AlertCode.PassphraseMismatch);
        alert.Detail.ShouldBe(passphrase.Length > 0 ? 1u : 0u, "PROTOCOL.md 6: detail 1 if the sender uses a passphrase, else 0");
    }

    [Fact]
    public void The_server_uses_its_own_iteration_count_and_the_client_s_hello_carries_none()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, iterations: 1_000, earlyCommit: false),
            SessionPair.Settings(SessionRole.Server, iterations: 2_000));
        pair.Start();
        byte[] hello = Frames.BodyOf(pair.Take(pair.Client));
        hello.Length.ShouldBe(1 + 2 + 1 + 2 * 3 + 1 + WireFormat.NonceSize + 1, "versions, groups, flags, nonce, no solution: no iteration count");
        pair.Deliver(pair.Server, Frames.Build(FrameType.ClientHello, hello));
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Server.Iterations.ShouldBe(2_000);
        pair.Client.Iterations.ShouldBe(2_000, "the client's setting is only the minimum it accepts");
    }

    [Fact]
    public void A_v1_client_hello_that_still_carries_an_iteration_count_is_malformed()
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Server.Start();
        byte[] v1Hello = [1, 0x00, 0x01, 1, 0x01, 0x00, 0x00, 0x98, 0x96, 0x81];
        pair.Deliver(pair.Server, Frames.Build(FrameType.ClientHello, v1Hello));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
        pair.Server.KeyDerivationPending.ShouldBeFalse();
    }

    [Fact]
    public void A_server_count_below_the_client_s_minimum_is_refused_by_the_client_and_the_alert_s_detail_is_not_turned_into_advice()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client, iterations: 2_000, earlyCommit: false),
            SessionPair.Settings(SessionRole.Server, iterations: 1_000));
        pair.Start();
        pair.Pump();
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.IterationsRejected);
        pair.Client.Failure.Message.ShouldContain("1,000");
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IterationsRejected);
        pair.Server.Failure.Message.ShouldNotContain("2000", Case.Insensitive, "an unauthenticated alert's detail is never shown as advice");
        pair.Server.Failure.Message.ShouldNotContain("--iterations");
    }

    [Fact]
    public void A_server_count_above_the_client_s_maximum_is_refused_before_any_derivation()
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { MaxIterations = 5_000 },
            SessionPair.Settings(SessionRole.Server, iterations: 5_001) with { MaxIterations = 10_000 });
        pair.Start();
        pair.Pump();
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.IterationsRejected);
        pair.Client.KeyDerivationPending.ShouldBeFalse();
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.IterationsRejected);
    }

    [Theory]
    [InlineData(WireFormat.IterationsMaxDefault + 1u)]
    [InlineData(WireFormat.IterationsCeiling + 1u)]
    [InlineData(uint.MaxValue)]
    [InlineData(0u)]
    public void A_forged_server_hello_with_a_count_outside_the_client_s_bounds_is_refused(uint iterations)
    {
        using var pair = new SessionPair(
            SessionPair.Settings(SessionRole.Client) with { MaxIterations = WireFormat.IterationsMaxDefault },
            SessionPair.Settings(SessionRole.Server));
        pair.Client.Start();
        _ = pair.Take(pair.Client);
        pair.Deliver(pair.Client, ServerHelloFrame(WireFormat.Version, DhGroupId.Ffdhe2048, iterations));
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.IterationsRejected);
        AlertMessage alert = Alert(pair.Take(pair.Client));
        alert.Code.ShouldBe(AlertCode.IterationsRejected);
        alert.Detail.ShouldBe((uint)SessionPair.FastIterations, "the client's minimum");
    }

    [Theory]
    [MemberData(nameof(GroupChoices))]
    public void The_server_picks_the_smallest_group_both_sides_accept(DhGroupId client, DhGroupId server, DhGroupId chosen)
    {
        using var pair = new SessionPair(SessionPair.Settings(SessionRole.Client, client, earlyCommit: false), SessionPair.Settings(SessionRole.Server, server));
        pair.Start();
        pair.Pump();
        pair.Client.Stage.ShouldBe(SessionStage.Secure);
        pair.Client.Group.ShouldBe(chosen);
        pair.Server.Group.ShouldBe(chosen);
        pair.Client.Fingerprint.ShouldBe(pair.Server.Fingerprint);
    }

    [Fact]
    public void A_client_offering_only_smaller_groups_than_the_server_requires_is_refused_and_the_detail_is_not_advice()
    {
        using var pair = new SessionPair(SessionPair.Settings(SessionRole.Client), SessionPair.Settings(SessionRole.Server, DhGroupId.Ffdhe4096));
        pair.Start();
        _ = pair.Take(pair.Client);
        pair.Deliver(pair.Server, ClientHelloFrame([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048, (ushort)DhGroupId.Ffdhe3072]));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.UnsupportedGroup);
        byte[] alertFrame = pair.Take(pair.Server);
        AlertMessage alert = Alert(alertFrame);
        alert.Code.ShouldBe(AlertCode.UnsupportedGroup);
        alert.Detail.ShouldBe((uint)DhGroupId.Ffdhe4096);

        pair.Deliver(pair.Client, alertFrame);
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.UnsupportedGroup);
        pair.Client.Failure.Message.ShouldNotContain("--group", Case.Insensitive, "an unauthenticated alert's detail is never shown as advice");
    }

    [Fact]
    public void A_server_choosing_a_group_smaller_than_the_client_offered_is_refused_not_downgraded()
    {
        using var pair = new SessionPair(SessionPair.Settings(SessionRole.Client, DhGroupId.Ffdhe3072, earlyCommit: false), SessionPair.Settings(SessionRole.Server));
        pair.Client.Start();
        byte[] hello = Frames.BodyOf(pair.Take(pair.Client));
        ClientHello.TryParse(hello, out ClientHello offered).ShouldBeTrue();
        offered.Groups.ShouldBe([(ushort)DhGroupId.Ffdhe3072, (ushort)DhGroupId.Ffdhe4096]);

        pair.Deliver(pair.Client, ServerHelloFrame(WireFormat.Version, DhGroupId.Ffdhe2048, SessionPair.FastIterations));
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.UnsupportedGroup);
        pair.Client.IsSecure.ShouldBeFalse();
    }

    [Fact]
    public void A_client_offering_no_version_we_speak_is_refused_with_unsupported_version()
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Server.Start();
        pair.Deliver(pair.Server, ClientHelloFrame([1, 2], [(ushort)DhGroupId.Ffdhe2048]));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.UnsupportedVersion);
        Alert(pair.Take(pair.Server)).Code.ShouldBe(AlertCode.UnsupportedVersion);
    }

    [Fact]
    public void A_server_answering_another_version_is_refused_by_the_client()
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Client.Start();
        pair.Deliver(pair.Client, ServerHelloFrame(1, DhGroupId.Ffdhe2048, SessionPair.FastIterations));
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.UnsupportedVersion);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(5)]
    [InlineData(31)]
    [InlineData(32)]
    [InlineData(32 + 255)]
    public void A_reveal_that_does_not_match_the_commitment_fails_with_commitment_mismatch(int offsetInBody)
    {
        // Offsets 0-31 alter the nonce, 32 and on the public value.
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        byte[] reveal = RunToReveal(pair);
        reveal[WireFormat.FrameHeaderSize + offsetInBody] ^= 0x01;
        pair.Deliver(pair.Server, reveal);
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.CommitmentMismatch);
        pair.Server.Failure.Message.ShouldContain("commitment");
        pair.Server.KeyDerivationPending.ShouldBeFalse();
    }

    public static TheoryData<string> BadValues => ["0", "1", "p-1", "p", "p+1"];

    [Theory]
    [MemberData(nameof(BadValues))]
    public void An_invalid_public_value_in_the_server_s_key_share_fails_the_client_with_invalid_public_key(string which)
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        byte[] keyShare = pair.Take(pair.Server);
        Frames.TypeOf(keyShare).ShouldBe(FrameType.KeyShare);
        byte[] body = Frames.BodyOf(keyShare);
        byte[]? bad = Encode(which, DhGroup.Ffdhe2048);
        if (bad is null)
        {
            bad = new byte[DhGroup.Ffdhe2048.ElementSize];
            bad.AsSpan().Fill(0xFF);
        }

        bad.CopyTo(body, WireFormat.NonceSize);
        pair.Deliver(pair.Client, Frames.Build(FrameType.KeyShare, body));
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.InvalidPublicKey);
        pair.Client.Failure.Message.ShouldContain("key failed validation");
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(-255)]
    public void A_key_share_whose_public_value_has_the_wrong_length_fails_the_client_with_invalid_public_key(int delta)
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        byte[] body = Frames.BodyOf(pair.Take(pair.Server));
        byte[] resized = delta < 0 ? body[..^(-delta)] : [.. body, .. new byte[delta]];
        pair.Deliver(pair.Client, Frames.Build(FrameType.KeyShare, resized));
        pair.Client.Stage.ShouldBe(SessionStage.Failed);
        pair.Client.Failure!.Reason.ShouldBe(FailureReason.InvalidPublicKey);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    public void A_reveal_whose_public_value_has_the_wrong_length_fails_the_server_with_invalid_public_key(int delta)
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        byte[] body = Frames.BodyOf(RunToReveal(pair));
        byte[] resized = delta < 0 ? body[..^1] : [.. body, 0];
        pair.Deliver(pair.Server, Frames.Build(FrameType.Reveal, resized));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.InvalidPublicKey);
        pair.Server.KeyDerivationPending.ShouldBeFalse();
    }

    [Theory]
    [MemberData(nameof(BadValues))]
    public void An_invalid_public_value_in_a_committed_reveal_fails_the_server_with_invalid_public_key(string which)
    {
        // A hostile client commits honestly to a bad value, so only the value check can stop it.
        DhGroup group = DhGroup.Ffdhe2048;
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        _ = pair.Take(pair.Server);
        byte[] nonce = new byte[WireFormat.NonceSize];
        nonce.AsSpan().Fill(0x5A);
        byte[] bad = Encode(which, group) ?? Enumerable.Repeat((byte)0xFF, group.ElementSize).ToArray();
        byte[] commitment = new byte[WireFormat.CommitmentSize];
        KeySchedule.ComputeCommitment(group.Id, bad, nonce, commitment);
        pair.Deliver(pair.Server, Frames.Build(FrameType.Commit, commitment));
        Frames.TypeOf(pair.Take(pair.Server)).ShouldBe(FrameType.KeyShare);
        pair.Deliver(pair.Server, Frames.Build(FrameType.Reveal, [.. nonce, .. bad]));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.InvalidPublicKey);
        pair.Server.KeyDerivationPending.ShouldBeFalse();
    }

    [Fact]
    public void A_handshake_message_out_of_order_is_a_protocol_violation()
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        pair.Server.Start();
        pair.Deliver(pair.Server, Frames.Build(FrameType.Commit, new byte[32]));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
    }

    [Fact]
    public void A_message_record_before_the_handshake_completes_is_a_protocol_violation()
    {
        using SessionPair pair = SessionPair.Create(earlyCommit: false);
        GroupRecordRecorder records = pair.RecordGroups();
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Server, Frames.Build(FrameType.GroupMessage, new byte[64]));
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.ProtocolViolation);
        records.Received.ShouldBeEmpty();
    }

    /// <summary>Runs a handshake up to the client's Reveal and returns it undelivered.</summary>
    private static byte[] RunToReveal(SessionPair pair)
    {
        pair.Start();
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        pair.Deliver(pair.Server, pair.Take(pair.Client));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        byte[] reveal = pair.Take(pair.Client);
        Frames.TypeOf(reveal).ShouldBe(FrameType.Reveal);
        return reveal;
    }

    private static byte[]? Encode(string which, DhGroup group) => Hex.Fixed(
        which switch
        {
            "0" => BigInteger.Zero,
            "1" => BigInteger.One,
            "p-1" => group.P - 1,
            "p" => group.P,
            _ => group.P + 1,
        },
        group.ElementSize);

    private static byte[] ClientHelloFrame(ushort[] versions, ushort[] groups)
    {
        var hello = new ClientHello(versions, groups, 0, new byte[WireFormat.NonceSize], null);
        byte[] body = new byte[hello.Size];
        hello.Write(body);
        return Frames.Build(FrameType.ClientHello, body);
    }

    private static byte[] ServerHelloFrame(ushort version, DhGroupId group, long iterations, byte flags = 0)
    {
        byte[] body = new byte[ServerHello.Size];
        new ServerHello(version, (ushort)group, (uint)iterations, flags, new byte[WireFormat.NonceSize]).Write(body);
        return Frames.Build(FrameType.ServerHello, body);
    }

    private static AlertMessage Alert(byte[] frame)
    {
        Frames.TypeOf(frame).ShouldBe(FrameType.Alert);
        AlertMessage.TryParse(Frames.BodyOf(frame), out AlertMessage alert).ShouldBeTrue();
        BinaryPrimitives.ReadUInt32BigEndian(frame.AsSpan(1)).ShouldBe((uint)AlertMessage.Size);
        return alert;
    }
}
