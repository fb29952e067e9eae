using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Bench;

/// <summary>
/// Where a message's time goes, layer by layer, on one thread and without sockets: the record crypto alone
/// (<see cref="RecordProtector"/> Seal then TryOpen), then a whole <see cref="ChatSession"/> pair in memory
/// (SendChat, hand the bytes over, Receive, drain the events). Comparing these with the loopback rate shows
/// how much the transport (threads, locks, sockets, events) adds.
/// </summary>
internal static class CostBreakdown
{
    /// <summary>Microseconds per record for Seal + TryOpen of a chat payload of <paramref name="textSize"/> bytes.</summary>
    public static double RecordCryptoMicros(int textSize, TimeSpan duration)
    {
        byte[] encryption = RandomNumberGenerator.GetBytes(32);
        byte[] mac = RandomNumberGenerator.GetBytes(32);
        using var sender = new RecordProtector(encryption, mac, WireFormat.DirectionClientToServer);
        using var receiver = new RecordProtector(encryption, mac, WireFormat.DirectionClientToServer);
        byte[] plaintext = new byte[1 + "bench-client".Length + textSize];
        byte[] sealedBody = new byte[RecordProtector.SealedSize(plaintext.Length)];
        byte[] opened = new byte[sealedBody.Length];
        ulong sequence = 0;
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (int i = 0; i < 64; i++, sequence++)
            {
                int written = sender.Seal(sequence, 0x20, plaintext, sealedBody, SystemRandom.Instance);
                if (!receiver.TryOpen(sequence, 0x20, sealedBody.AsSpan(0, written), opened, out _))
                {
                    throw new InvalidOperationException("a record failed to open");
                }
            }

            count += 64;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    /// <summary>Microseconds per chat message through a client and server session pair in memory.</summary>
    public static double SessionPairMicros(int textSize, TimeSpan duration)
    {
        using var client = new ChatSession(new SessionSettings { Role = SessionRole.Client });
        using var server = new ChatSession(new SessionSettings { Role = SessionRole.Server });
        var events = new List<SessionEvent>();
        var spare = new ArrayBufferWriter<byte>(256);
        client.Start();
        server.Start();
        for (int round = 0; round < 20 && !(client.IsSecure && server.IsSecure); round++)
        {
            spare = Pump(client, server, spare);
            spare = Pump(server, client, spare);
        }

        if (!(client.IsSecure && server.IsSecure))
        {
            throw new InvalidOperationException("the in-memory handshake did not finish");
        }

        string text = MessagingBench.Text(textSize);
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (int i = 0; i < 64; i++)
            {
                client.SendChat("bench-client", text);
                spare = Pump(client, server, spare);
                server.DrainEvents(events);
                events.Clear();
            }

            count += 64;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;

        static ArrayBufferWriter<byte> Pump(ChatSession from, ChatSession to, ArrayBufferWriter<byte> empty)
        {
            if (from.KeyDerivationPending)
            {
                from.DeriveKeys();
            }

            if (from.HasOutput)
            {
                ArrayBufferWriter<byte> full = from.ExchangeOutput(empty);
                to.Receive(full.WrittenSpan);
                full.Clear();
                empty = full;
            }

            if (to.KeyDerivationPending)
            {
                to.DeriveKeys();
            }

            return empty;
        }
    }
}
