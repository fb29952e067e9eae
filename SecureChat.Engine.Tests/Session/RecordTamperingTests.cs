using SecureChat.Engine.Chat;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Session;

/// <summary>
/// Records that were replayed, reordered, dropped, reflected or altered: the receiver fails, shows nothing. The
/// records are v4 group records with an opaque MLS-shaped payload (GroupMessage from a client, GroupRelay from the hub):
/// what is tampered with is the record layer, whatever the record carries.
/// </summary>
public sealed class RecordTamperingTests
{
    private static readonly GroupTarget s_lobby = GroupTarget.ForRoom("#lobby");

    /// <summary>A stand-in for an MLS PrivateMessage: opaque bytes the record layer seals like any other.</summary>
    private static byte[] Mls(string text) => [0x00, 0x01, 0x00, 0x02, .. System.Text.Encoding.UTF8.GetBytes(text)];

    /// <summary>An established pair whose sides hand their group records to <paramref name="owner"/>.</summary>
    private static SessionPair Established(GroupRecordRecorder owner)
    {
        SessionPair pair = SessionPair.Established();
        pair.ServerChat.HubRecords = owner;
        pair.ClientChat.MemberRecords = owner;
        return pair;
    }

    private static int Delivered(SessionPair pair, SecureSession side) => pair.EventsOf<GroupRecordEvent>(side).Count;

    [Fact]
    public void A_replayed_record_is_rejected_and_fails_the_receiver_with_authentication_failed()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("pay bob 10"));
        byte[] record = pair.Take(pair.Client);
        pair.Deliver(pair.Server, record);
        pair.Deliver(pair.Server, record);
        Delivered(pair, pair.Server).ShouldBe(1);
        AssertAuthenticationFailed(pair, pair.Server);
    }

    [Fact]
    public void Records_delivered_out_of_order_are_rejected()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("first"));
        byte[] first = pair.Take(pair.Client);
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("second"));
        byte[] second = pair.Take(pair.Client);
        pair.Deliver(pair.Server, second);
        pair.Deliver(pair.Server, first);
        Delivered(pair, pair.Server).ShouldBe(0);
        AssertAuthenticationFailed(pair, pair.Server);
    }

    [Fact]
    public void A_dropped_record_makes_the_next_one_fail()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ServerChat.Groups.SendGroupRelay(s_lobby, SessionPair.OperatorDigest, "hub", Mls("dropped"));
        _ = pair.Take(pair.Server);
        pair.ServerChat.Groups.SendGroupRelay(s_lobby, SessionPair.OperatorDigest, "hub", Mls("next"));
        pair.Deliver(pair.Client, pair.Take(pair.Server));
        Delivered(pair, pair.Client).ShouldBe(0);
        AssertAuthenticationFailed(pair, pair.Client);
    }

    [Fact]
    public void A_client_record_reflected_back_to_the_client_is_rejected()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("hello"));
        pair.Deliver(pair.Client, pair.Take(pair.Client));
        Delivered(pair, pair.Client).ShouldBe(0);
        AssertAuthenticationFailed(pair, pair.Client);
    }

    [Fact]
    public void A_server_record_reflected_back_to_the_server_is_rejected()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ServerChat.Groups.SendGroupRelay(s_lobby, SessionPair.OperatorDigest, "hub", Mls("hello"));
        pair.Deliver(pair.Server, pair.Take(pair.Server));
        Delivered(pair, pair.Server).ShouldBe(0);
        AssertAuthenticationFailed(pair, pair.Server);
    }

    [Fact]
    public void Every_single_bit_flip_in_a_record_s_type_byte_iv_ciphertext_or_tag_fails_the_session_and_shows_nothing()
    {
        // Sealed once; each flipped copy goes to a fresh server holding the same keys and sequence number, which
        // accepts the unflipped record (checked first), so each of the 8 + 64 * 8 flips is all that differs.
        using SameKeyReceivers receivers = SameKeyReceivers.Establish();
        receivers.Pair.ClientChat.SendText("hi");
        byte[] frame = receivers.Pair.Take(receivers.Pair.Client);
        frame.Length.ShouldBe(WireFormat.FrameHeaderSize + 16 + 16 + 32);
        using (SameKeyReceivers.Receiver control = receivers.NewReceiver())
        {
            control.Deliver(frame);
            control.GroupRecords.AtHub().ShouldHaveSingleItem().ShouldBe("hi");
            control.Session.Stage.ShouldBe(SessionStage.Secure);
        }

        int[] positions = [0, .. Enumerable.Range(WireFormat.FrameHeaderSize, frame.Length - WireFormat.FrameHeaderSize)];
        int flips = 0;
        foreach (int position in positions)
        {
            for (int bit = 0; bit < 8; bit++)
            {
                byte[] wire = [.. frame];
                wire[position] ^= (byte)(1 << bit);
                string where = $"byte {position}, bit {bit}";
                using SameKeyReceivers.Receiver receiver = receivers.NewReceiver();

                receiver.Deliver(wire);

                receiver.Events.Where(e => e is GroupRecordEvent or PeerNamedEvent or PresenceEvent).ShouldBeEmpty(where);
                receiver.GroupRecords.Received.ShouldBeEmpty(where);
                receiver.Session.Stage.ShouldBe(SessionStage.Failed, where);
                receiver.Events.OfType<FailedEvent>().ShouldHaveSingleItem(where);

                // Once secure only a clear handshake type is something anyone could have written (it would end the
                // session only as "connection lost"); every other type, assigned or not, is a record whose MAC covers
                // the type byte, so a flipped type fails the MAC like any other flipped bit.
                FailureReason expected = FrameTable.IsClear(wire[0]) ? FailureReason.ConnectionLost : FailureReason.AuthenticationFailed;
                receiver.Session.Failure!.Reason.ShouldBe(expected, where);
                flips++;
            }
        }

        flips.ShouldBe(8 * (1 + 16 + 16 + 32));
    }

    [Fact]
    public void A_record_whose_frame_type_is_changed_to_another_record_type_fails_authentication()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("a group message, not a nick"));
        byte[] wire = pair.Take(pair.Client);
        wire[0] = (byte)FrameType.Nick;
        pair.Deliver(pair.Server, wire);
        pair.EventsOf<PeerNamedEvent>(pair.Server).ShouldBeEmpty();
        AssertAuthenticationFailed(pair, pair.Server);
    }

    [Fact]
    public void A_frame_declaring_more_than_the_maximum_fails_the_session_before_its_body_arrives()
    {
        using SessionPair pair = SessionPair.Established();
        pair.Deliver(pair.Server, [(byte)FrameType.GroupMessage, 0xFF, 0xFF, 0xFF, 0xFF]);
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.FrameTooLarge);
    }

    [Fact]
    public void After_failing_a_session_ignores_every_further_byte()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("one"));
        byte[] first = pair.Take(pair.Client);
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("two"));
        byte[] second = pair.Take(pair.Client);
        pair.Deliver(pair.Server, second);
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        _ = pair.Take(pair.Server);
        pair.ServerEvents.Clear();

        pair.Deliver(pair.Server, first);
        pair.Deliver(pair.Server, [1, 2, 3, 4, 5, 6, 7]);
        pair.ServerEvents.ShouldBeEmpty();
        pair.Server.HasOutput.ShouldBeFalse();
        pair.Server.Stage.ShouldBe(SessionStage.Failed);
        pair.Server.Failure!.Reason.ShouldBe(FailureReason.AuthenticationFailed);
    }

    [Fact]
    public void After_closing_a_session_ignores_every_further_byte()
    {
        using SessionPair pair = Established(new GroupRecordRecorder());
        pair.ClientChat.Groups.SendGroupMessage(s_lobby, Mls("late"));
        byte[] late = pair.Take(pair.Client);
        pair.Server.Close();
        _ = pair.Take(pair.Server);
        pair.ServerEvents.Clear();

        pair.Deliver(pair.Server, late);
        pair.Deliver(pair.Server, Frames.Build(FrameType.Alert, [(byte)AlertCode.HandshakeFailed, 0, 0, 0, 0]));
        pair.ServerEvents.ShouldBeEmpty();
        pair.Server.HasOutput.ShouldBeFalse();
        pair.Server.Stage.ShouldBe(SessionStage.Closed);
    }

    private static void AssertAuthenticationFailed(SessionPair pair, SecureSession side)
    {
        side.Stage.ShouldBe(SessionStage.Failed);
        side.IsSecure.ShouldBeFalse();
        side.Failure!.Reason.ShouldBe(FailureReason.AuthenticationFailed);
        side.Failure.Message.ShouldContain("authentication failed");
        pair.EventsOf<FailedEvent>(side).ShouldHaveSingleItem().Failure.Reason.ShouldBe(FailureReason.AuthenticationFailed);
    }
}
