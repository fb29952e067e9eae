using SecureChat.Engine.Chat;
using CsCheck;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Protocol;

/// <summary>Property tests (CsCheck): whatever bytes a peer sends, the session never throws and never shows a message.</summary>
public sealed class RandomInputPropertyTests
{
    private static readonly byte[] s_types = [0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16];

    private static readonly Gen<byte[]> s_rawBytes = Gen.Byte.Array[0, 600];

    /// <summary>Frames with a plausible header (any handshake or record type, exact length) and a random body.</summary>
    private static readonly Gen<byte[]> s_framed =
        Gen.Select(Gen.Int[0, s_types.Length - 1].Select(i => s_types[i]), Gen.Byte.Array[0, 400])
            .Select((type, body) => Frames.Build(type, body));

    private static readonly Gen<byte[]> s_input = Gen.Frequency((1, s_rawBytes), (2, s_framed), (1, s_framed.Array[1, 4].Select(f => f.SelectMany(x => x).ToArray())));

    [Fact]
    public void Random_bytes_fed_to_a_fresh_server_session_never_throw_and_never_yield_a_message()
    {
        s_input.Sample(
            bytes =>
            {
                using SessionPair pair = SessionPair.Create();
                pair.Server.Start();
                pair.Deliver(pair.Server, bytes);
                pair.EventsOf<GroupRecordEvent>(pair.Server).ShouldBeEmpty();
                pair.Server.IsSecure.ShouldBeFalse();
            },
            iter: 500);
    }

    [Fact]
    public void Random_bytes_fed_to_a_secure_session_never_throw_never_yield_a_message_and_end_it_when_whole_frames_arrive()
    {
        s_input.Sample(
            bytes =>
            {
                using SessionPair pair = SessionPair.Established();
                SecureSession side = bytes.Length % 2 == 0 ? pair.Server : pair.Client;
                pair.Deliver(side, bytes);
                pair.EventsOf<GroupRecordEvent>(side).ShouldBeEmpty();
                pair.EventsOf<RekeyedEvent>(side).ShouldBeEmpty();
                if (bytes.Length >= WireFormat.FrameHeaderSize && Frames.TryWholeFrames(bytes))
                {
                    side.IsSecure.ShouldBeFalse("a forged whole frame must end the session");
                }
            },
            iter: 150);
    }
}
