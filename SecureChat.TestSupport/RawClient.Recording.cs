using System.Buffers;
using SecureChat.Engine.Protocol;

namespace SecureChat.TestSupport;

/// <summary>
/// Driving the session as an honest peer would, and keeping the wire: runs the session (key derivation and rekey jobs
/// in place) until a condition holds, closes it cleanly, and records every byte sent and read from the point
/// <see cref="RecordWire"/> is called, for tests that recompute what an eavesdropper could.
/// </summary>
internal sealed partial class RawClient
{
    private List<byte>? _sent;
    private List<byte>? _received;

    /// <summary>Every whole frame sent since <see cref="RecordWire"/>, as it went on the wire.</summary>
    public List<byte[]> SentFrames => WholeFrames(_sent ?? throw new InvalidOperationException("the wire is not recorded"));

    /// <summary>Every whole frame read since <see cref="RecordWire"/> (by the session or by the test).</summary>
    public List<byte[]> ReceivedFrames => WholeFrames(_received ?? throw new InvalidOperationException("the wire is not recorded"));

    /// <summary>Records from now on every byte this side sends and reads.</summary>
    public void RecordWire()
    {
        _sent = [];
        _received = [];
    }

    /// <summary>
    /// Sends what the session produced and feeds it what the peer sends (deriving keys and running rekey jobs in
    /// place) until <paramref name="done"/> holds or the session ends; throws when neither happens within 30 s.
    /// </summary>
    public async Task PumpUntilAsync(Func<bool> done, TimeSpan? timeout = null)
    {
        byte[] buffer = new byte[64 * 1024];
        DateTime deadline = DateTime.UtcNow + (timeout ?? s_readTimeout);
        while (true)
        {
            await FlushAsync();
            if (Session.KeyDerivationPending)
            {
                Session.DeriveKeys();
                continue;
            }

            if (Session.TakeRekeyJob() is { } job)
            {
                job.Run();
                Session.CompleteRekeyJob(job);
                continue;
            }

            Session.DrainEvents(_events);
            if (done() || Session.IsEnded)
            {
                return;
            }

            TimeSpan left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new TimeoutException("the raw client's session did not reach the state waited for");
            }

            int read = await ReceiveAsync(buffer, left);
            if (read == 0)
            {
                Session.PeerDisconnected();
                continue;
            }

            Session.Receive(buffer.AsSpan(0, read));
        }
    }

    /// <summary>Sends whatever the session has produced.</summary>
    public Task FlushAsync() => FlushAsync(mutate: null, oneByteAtATime: false);

    /// <summary>Sends the session's Close and half-closes, then waits (at most 30 s) for the peer to close its side.</summary>
    public async Task CloseAsync()
    {
        Session.Close();
        await FlushAsync();
        HalfClose();
        await ServerClosesAsync(s_readTimeout);
    }

    /// <summary>The whole frames in <paramref name="bytes"/>; a frame still partial at the end is left out.</summary>
    private static List<byte[]> WholeFrames(List<byte> bytes)
    {
        var frames = new List<byte[]>();
        ReadOnlySpan<byte> rest = [.. bytes];
        while (FrameHeader.TryRead(rest, out _, out int body) == OperationStatus.Done && rest.Length >= WireFormat.FrameHeaderSize + body)
        {
            int length = WireFormat.FrameHeaderSize + body;
            frames.Add(rest[..length].ToArray());
            rest = rest[length..];
        }

        return frames;
    }
}
