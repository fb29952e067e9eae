using System.Buffers;
using System.Diagnostics;
using System.Security.Cryptography;
using SecureChat.Engine.Chat;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;

namespace SecureChat.Bench;

/// <summary>
/// Where a message's time goes, layer by layer, on one thread and without sockets: the record crypto alone
/// (<see cref="RecordProtector"/> Seal then TryOpen), then a whole <see cref="SecureSession"/> pair in memory
/// (protect a PrivateMessage in the room's MLS group, send it in a GroupMessage record, hand the bytes over, Receive,
/// the hub end parses the record, drain the events). Record sizes are those of a GroupMessage carrying the text
/// (PROTOCOL.md 4.1). Comparing these with the loopback rate shows
/// how much the transport (threads, locks, sockets, events) adds.
/// </summary>
internal static class CostBreakdown
{
    private const string ChatEndpointLobby = Engine.Transport.ChatEndpoint.Lobby;

    /// <summary>Microseconds per record for Seal + TryOpen of a GroupMessage carrying a text of <paramref name="textSize"/> bytes.</summary>
    public static double RecordCryptoMicros(int textSize, TimeSpan duration)
    {
        byte[] encryption = RandomNumberGenerator.GetBytes(32);
        byte[] mac = RandomNumberGenerator.GetBytes(32);
        using var sender = new RecordProtector(encryption, mac, SessionKeys.DirectionClientToServer);
        using var receiver = new RecordProtector(encryption, mac, SessionKeys.DirectionClientToServer);
        byte[] plaintext = new byte[new BenchGroupText().GroupMessageSize(ChatEndpointLobby, textSize)];
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
                int written = sender.Seal(sequence, (byte)FrameType.GroupMessage, plaintext, sealedBody, SystemRandom.Instance);
                if (!receiver.TryOpen(sequence, (byte)FrameType.GroupMessage, sealedBody.AsSpan(0, written), opened, out _))
                {
                    throw new InvalidOperationException("a record failed to open");
                }
            }

            count += 64;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    /// <summary>
    /// The record's primitives one by one, in microseconds per call, as <see cref="RecordProtector"/> uses them:
    /// a 16-byte IV from <see cref="RandomNumberGenerator.Fill"/>, AES-256-CBC one-shot encrypt and decrypt with
    /// an existing <see cref="Aes"/>, and an <see cref="IncrementalHash"/> HMAC-SHA256 over header and body.
    /// </summary>
    public static (double Iv, double Encrypt, double Decrypt, double Hmac) PrimitiveMicros(int textSize, TimeSpan duration)
    {
        using var aes = Aes.Create();
        aes.Key = RandomNumberGenerator.GetBytes(32);
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA256, RandomNumberGenerator.GetBytes(32));
        byte[] plaintext = new byte[new BenchGroupText().GroupMessageSize(ChatEndpointLobby, textSize)];
        byte[] iv = new byte[16];
        byte[] ciphertext = new byte[RecordProtector.CiphertextSize(plaintext.Length)];
        byte[] decrypted = new byte[ciphertext.Length];
        byte[] header = new byte[RecordProtector.MacHeaderSize];
        byte[] tag = new byte[32];
        aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7);
        double ivMicros = Time(() => RandomNumberGenerator.Fill(iv), duration / 4);
        double encrypt = Time(() => aes.EncryptCbc(plaintext, iv, ciphertext, PaddingMode.PKCS7), duration / 4);
        double decrypt = Time(() => aes.TryDecryptCbc(ciphertext, iv, decrypted, out _, PaddingMode.PKCS7), duration / 4);
        double mac = Time(
            () =>
            {
                hmac.AppendData(header);
                hmac.AppendData(iv);
                hmac.AppendData(ciphertext);
                hmac.GetHashAndReset(tag);
            },
            duration / 4);
        return (ivMicros, encrypt, decrypt, mac);
    }

    /// <summary>
    /// An experiment for the engine: AES-256-CBC through transforms made once per key instead of a one-shot call
    /// (which builds a native cipher context per record). Encrypt: one TransformBlock over (random block ||
    /// padded plaintext) on a persistent CBC encryptor; output block 0 is E_K(R xor chain state), an unpredictable
    /// value that serves as the record's IV (NIST SP 800-38A, appendix C: IV = forward cipher of a nonce), and
    /// the rest is ordinary CBC under that IV, so the wire format does not change. Decrypt: one TransformBlock over
    /// (IV || ciphertext) on a persistent CBC decryptor, dropping the first output block. Checked against the
    /// one-shot API both ways. Returns microseconds per encrypt and per decrypt.
    /// </summary>
    public static (double Encrypt, double Decrypt) PersistentCbcMicros(int textSize, TimeSpan duration)
    {
        using var aes = Aes.Create();
        aes.Key = RandomNumberGenerator.GetBytes(32);
        aes.Mode = CipherMode.CBC;
        aes.Padding = PaddingMode.None;
        using ICryptoTransform encryptor = aes.CreateEncryptor(aes.Key, new byte[16]);
        using ICryptoTransform decryptor = aes.CreateDecryptor(aes.Key, new byte[16]);
        int plaintextLength = new BenchGroupText().GroupMessageSize(ChatEndpointLobby, textSize);
        int padded = RecordProtector.CiphertextSize(plaintextLength);
        byte[] input = new byte[16 + padded];
        byte[] output = new byte[16 + padded];
        byte[] opened = new byte[16 + padded];
        RandomNumberGenerator.Fill(input.AsSpan(16, plaintextLength));
        input.AsSpan(16 + plaintextLength).Fill((byte)(padded - plaintextLength));

        void Encrypt()
        {
            RandomNumberGenerator.Fill(input.AsSpan(0, 16));
            encryptor.TransformBlock(input, 0, input.Length, output, 0);
        }

        void Decrypt() => decryptor.TransformBlock(output, 0, output.Length, opened, 0);

        for (int check = 0; check < 3; check++)
        {
            Encrypt();
            byte[] standard = aes.DecryptCbc(output.AsSpan(16), output.AsSpan(0, 16), PaddingMode.PKCS7);
            Decrypt();
            if (!standard.AsSpan().SequenceEqual(input.AsSpan(16, plaintextLength)) || !opened.AsSpan(16).SequenceEqual(input.AsSpan(16)))
            {
                throw new InvalidOperationException("persistent-transform CBC does not match the one-shot API");
            }
        }

        return (Time(Encrypt, duration / 2), Time(Decrypt, duration / 2));
    }

    private static double Time(Action action, TimeSpan duration)
    {
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (int i = 0; i < 64; i++)
            {
                action();
            }

            count += 64;
        }

        return Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
    }

    /// <summary>
    /// Microseconds per room message through a client and server session pair in memory: the member's PrivateMessage
    /// of the text (one MLS protect), its GroupMessage record sealed, opened and parsed at the hub end.
    /// </summary>
    public static double SessionPairMicros(int textSize, TimeSpan duration)
    {
        using var client = new SecureSession(new SessionSettings { Role = SessionRole.Client });
        using var server = new SecureSession(new SessionSettings { Role = SessionRole.Server });
        var clientChat = new ChatChannel(client);
        var sink = new GroupMessageSink();
        _ = new ChatChannel(server) { HubRecords = sink };
        var group = new BenchGroupText();
        GroupTarget lobby = GroupTarget.ForRoom(ChatEndpointLobby);
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

        byte[] text = System.Text.Encoding.UTF8.GetBytes(MessagingBench.Text(textSize));
        long count = 0;
        long start = Stopwatch.GetTimestamp();
        long deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        while (Stopwatch.GetTimestamp() < deadline)
        {
            for (int i = 0; i < 64; i++)
            {
                clientChat.Groups.SendGroupMessage(lobby, group.Protect(text));
                spare = Pump(client, server, spare);
                server.DrainEvents(events);
                foreach (SessionEvent e in events)
                {
                    (e as GroupRecordEvent)?.Deliver();
                }

                events.Clear();
            }

            count += 64;
        }

        double micros = Stopwatch.GetElapsedTime(start).TotalMicroseconds / count;
        return sink.Messages == count ? micros : throw new InvalidOperationException($"the hub end parsed {sink.Messages} of {count} GroupMessages");

        static ArrayBufferWriter<byte> Pump(SecureSession from, SecureSession to, ArrayBufferWriter<byte> empty)
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
