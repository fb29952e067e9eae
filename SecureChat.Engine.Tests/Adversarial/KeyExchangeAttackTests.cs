using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Text.Json;
using SecureChat.Engine.Crypto;
using SecureChat.Engine.Protocol;
using SecureChat.Engine.Session;
using SecureChat.Engine.Tests.Support;
using SecureChat.Engine.Transport;

namespace SecureChat.Engine.Tests.Adversarial;

/// <summary>
/// Attacks on the key exchange of a live server (and of a client, against a fake server): every public value of
/// the published validation cases, values of the wrong length or group, unknown versions and groups, a broken
/// commitment, and iteration counts out of range.
/// </summary>
public sealed class KeyExchangeAttackTests
{
    private const string DhFile = "dh_groups_rfc7919_rfc3526.json";

    public static TheoryData<string> Groups => new() { "ffdhe2048", "ffdhe3072", "ffdhe4096" };

    [Theory]
    [MemberData(nameof(Groups))]
    public async Task Every_published_public_value_is_accepted_or_refused_by_a_live_server_as_the_vectors_say(string groupName)
    {
        using JsonDocument vectors = VectorFiles.RequireJson(DhFile, "live-server DH public value validation");
        JsonElement cases = vectors.RootElement.GetProperty("groups").GetProperty(groupName).GetProperty("public_key_validation_tests");
        DhGroup group = DhGroup.All.Single(g => g.Name == groupName);
        await using LiveServer live = LiveServer.Start(new ChatOptions { Group = group.Id });
        int checkedCases = 0;

        foreach (JsonElement testCase in cases.EnumerateArray())
        {
            string result = testCase.GetProperty("result").GetString()!;
            byte[] y = Encode(testCase.GetProperty("y_hex").GetString()!, group.ElementSize);
            await using var attacker = await ManualClient.ConnectAsync(live.Port);
            await attacker.HelloAsync([WireFormat.Version], [(ushort)group.Id]);
            (await attacker.ReadAsync()).Type.ShouldBe((byte)FrameType.ServerHello);
            byte[] nonce = RandomNumberGenerator.GetBytes(32);
            await attacker.CommitAsync(group.Id, y, nonce);
            (await attacker.ReadAsync()).Type.ShouldBe((byte)FrameType.KeyShare);
            await attacker.SendAsync(FrameType.Reveal, [.. nonce, .. y]);
            (byte type, byte[] body) = await attacker.ReadAsync();

            string label = $"{groupName} tcId {testCase.GetProperty("tcId").GetInt32()} ({testCase.GetProperty("comment").GetString()}, {result})";
            if (result == "valid")
            {
                type.ShouldBe((byte)FrameType.ServerAuth, label);
                live.HasFailureFor(attacker.LocalPort).ShouldBeFalse(label);
            }
            else
            {
                // "acceptable" values pass the range check but lie outside the prime-order subgroup; this engine
                // does the full check, so it refuses them like the invalid ones.
                type.ShouldBe((byte)FrameType.Alert, label);
                AlertMessage.TryParse(body, out AlertMessage alert).ShouldBeTrue(label);
                alert.Code.ShouldBe(AlertCode.HandshakeFailed, label);
                (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.InvalidPublicKey, label);
            }

            checkedCases++;
        }

        checkedCases.ShouldBe(cases.GetArrayLength());
        VectorFiles.Report($"{groupName}: {checkedCases} public values sent to a live server");
        await live.ShouldStillServeAnHonestClient();
    }

    [Fact]
    public async Task A_client_refuses_every_invalid_or_acceptable_published_ffdhe2048_public_value_from_a_fake_server()
    {
        using JsonDocument vectors = VectorFiles.RequireJson(DhFile, "client-side DH public value validation");
        JsonElement cases = vectors.RootElement.GetProperty("groups").GetProperty("ffdhe2048").GetProperty("public_key_validation_tests");
        DhGroup group = DhGroup.Ffdhe2048;
        int refused = 0;
        foreach (JsonElement testCase in cases.EnumerateArray().Where(c => c.GetProperty("result").GetString() != "valid"))
        {
            byte[] y = Encode(testCase.GetProperty("y_hex").GetString()!, group.ElementSize);
            await using var fake = FakeServer.Start(keyShare: nonce => [.. nonce, .. y]);
            await using var client = new ChatClient(new ChatOptions());

            var error = await Should.ThrowAsync<ChatConnectionException>(() => client.ConnectAsync("127.0.0.1", fake.Port).WaitAsync(TimeSpan.FromSeconds(30)));

            error.Failure.Reason.ShouldBe(FailureReason.InvalidPublicKey, testCase.GetProperty("comment").GetString());
            error.Message.ShouldBe("the peer's key failed validation: connection closed");
            refused++;
        }

        refused.ShouldBe(10);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(+1)]
    [InlineData(+128)]
    public async Task A_public_value_of_the_wrong_length_or_from_another_group_is_refused(int lengthDelta)
    {
        await using LiveServer live = LiveServer.Start();
        DhGroup group = DhGroup.Ffdhe2048;
        using DhKeyPair other = DiffieHellman.GenerateKeyPair(lengthDelta == 128 ? DhGroup.Ffdhe3072 : group, SystemRandom.Instance);
        byte[] y = lengthDelta switch
        {
            -1 => other.PublicValue[1..],
            +1 => [0x00, .. other.PublicValue],
            _ => other.PublicValue,
        };
        await using var attacker = await ManualClient.ConnectAsync(live.Port);
        await attacker.HelloAsync([WireFormat.Version], [(ushort)group.Id]);
        await attacker.ReadAsync();
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        await attacker.CommitAsync(group.Id, y, nonce);
        await attacker.ReadAsync();

        await attacker.SendAsync(FrameType.Reveal, [.. nonce, .. y]);

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.InvalidPublicKey);
        (byte type, byte[] alert) = await attacker.ReadAsync();
        ((FrameType)type, (AlertCode)alert[0]).ShouldBe((FrameType.Alert, AlertCode.HandshakeFailed), "a value of the wrong length is a bad key: Alert 4 (PROTOCOL.md 2, 3.4)");
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(31)]
    [InlineData(32)]
    public async Task A_reveal_body_of_32_bytes_or_less_is_malformed_not_a_bad_key(int bodyLength)
    {
        await using LiveServer live = LiveServer.Start();
        DhGroup group = DhGroup.Ffdhe2048;
        using DhKeyPair own = DiffieHellman.GenerateKeyPair(group, SystemRandom.Instance);
        await using var attacker = await ManualClient.ConnectAsync(live.Port);
        await attacker.HelloAsync([WireFormat.Version], [(ushort)group.Id]);
        await attacker.ReadAsync();
        byte[] nonce = RandomNumberGenerator.GetBytes(32);
        await attacker.CommitAsync(group.Id, own.PublicValue, nonce);
        await attacker.ReadAsync();

        await attacker.SendAsync(FrameType.Reveal, nonce[..bodyLength]);

        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        (byte type, byte[] alert) = await attacker.ReadAsync();
        ((FrameType)type, (AlertCode)alert[0]).ShouldBe((FrameType.Alert, AlertCode.ProtocolError), "no public value at all: a malformed Reveal, Alert 8");
    }

    [Fact]
    public async Task A_client_offering_only_unknown_versions_gets_a_clear_refusal_not_a_downgrade()
    {
        await using LiveServer live = LiveServer.Start();
        await using var attacker = await ManualClient.ConnectAsync(live.Port);

        await attacker.HelloAsync([0x0000, 0x0001, 0x0002, 0xFFFF], [(ushort)DhGroupId.Ffdhe2048]);

        (byte type, byte[] body) = await attacker.ReadAsync();
        type.ShouldBe((byte)FrameType.Alert);
        AlertMessage.TryParse(body, out AlertMessage alert).ShouldBeTrue();
        alert.Code.ShouldBe(AlertCode.UnsupportedVersion);
        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.UnsupportedVersion);
    }

    [Fact]
    public async Task A_client_offering_only_groups_below_the_servers_minimum_is_refused_with_the_required_group()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Group = DhGroupId.Ffdhe3072 });
        await using var attacker = await ManualClient.ConnectAsync(live.Port);

        await attacker.HelloAsync([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048, 0x0017, 0x001D]);

        (byte type, byte[] body) = await attacker.ReadAsync();
        type.ShouldBe((byte)FrameType.Alert);
        AlertMessage.TryParse(body, out AlertMessage alert).ShouldBeTrue();
        alert.Code.ShouldBe(AlertCode.UnsupportedGroup);
        alert.Detail.ShouldBe((uint)DhGroupId.Ffdhe3072);
    }

    [Fact]
    public async Task A_reveal_that_does_not_match_the_commitment_is_refused()
    {
        await using LiveServer live = LiveServer.Start();
        await using RawClient attacker = await RawClient.ConnectAsync(live.Port);

        bool secure = await attacker.HandshakeAsync(mutate: frame =>
        {
            if (frame[0] == (byte)FrameType.Reveal)
            {
                frame[WireFormat.FrameHeaderSize] ^= 0x01; // one bit of the revealed nonce
            }

            return frame;
        });

        secure.ShouldBeFalse();
        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.CommitmentMismatch);
        attacker.Session.Failure!.Reason.ShouldBe(FailureReason.RefusedByPeer);
        await live.ShouldStillServeAnHonestClient();
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(1_000u)]
    [InlineData(99_999u)]
    [InlineData(10_000_001u)]
    [InlineData(uint.MaxValue)]
    public async Task A_client_cannot_choose_the_server_s_iteration_count_even_by_appending_one_to_its_hello(uint iterations)
    {
        // v1 let the client name the server's PBKDF2 count (up to 10,000,000: seconds of server CPU per connection).
        // v2 has no field for it: a hello carrying one (v1's trailing u32) is malformed, refused before any PBKDF2.
        await using LiveServer live = LiveServer.Start();
        var derivingFrom = new ConcurrentQueue<int>();
        live.Server.StageChanged += p =>
        {
            if (p.Stage == SessionStage.DerivingKey)
            {
                derivingFrom.Enqueue(LiveServer.PortOf(p));
            }
        };
        await using var attacker = await ManualClient.ConnectAsync(live.Port);
        byte[] count = new byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(count, iterations);

        await attacker.HelloAsync([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048], count);

        (byte type, byte[] body) = await attacker.ReadAsync();
        type.ShouldBe((byte)FrameType.Alert);
        AlertMessage.TryParse(body, out AlertMessage alert).ShouldBeTrue();
        alert.Code.ShouldBe(AlertCode.ProtocolError);
        (await live.FailureFor(attacker.LocalPort)).Reason.ShouldBe(FailureReason.ProtocolViolation);
        derivingFrom.ShouldNotContain(attacker.LocalPort, "PBKDF2 runs in the DerivingKey stage, which the refused session must never reach");
    }

    [Fact]
    public async Task The_server_hello_names_the_server_s_own_iteration_count_whatever_the_client_wants()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Iterations = 150_000 });
        await using var attacker = await ManualClient.ConnectAsync(live.Port);

        await attacker.HelloAsync([WireFormat.Version], [(ushort)DhGroupId.Ffdhe2048]);

        (byte type, byte[] body) = await attacker.ReadAsync();
        type.ShouldBe((byte)FrameType.ServerHello);
        ServerHello.TryParse(body, out ServerHello hello).ShouldBeTrue();
        hello.Iterations.ShouldBe(150_000u);
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_count_is_above_its_maximum_and_says_which_it_accepts()
    {
        await using LiveServer live = LiveServer.Start(new ChatOptions { Iterations = 300_000, MaxIterations = 300_000 });
        await using var client = new ChatClient(new ChatOptions { MaxIterations = 200_000 });

        var error = await Should.ThrowAsync<ChatConnectionException>(() => client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(30)));

        error.Failure.Reason.ShouldBe(FailureReason.IterationsRejected);
        error.Message.ShouldContain("300,000");
        error.Message.ShouldContain("100,000 to 200,000");
    }

    [Fact]
    public async Task A_client_refuses_a_server_whose_count_is_below_its_minimum()
    {
        await using LiveServer live = LiveServer.Start();
        await using var client = new ChatClient(new ChatOptions { Iterations = 200_000 });

        var error = await Should.ThrowAsync<ChatConnectionException>(() => client.ConnectAsync("127.0.0.1", live.Port).WaitAsync(TimeSpan.FromSeconds(30)));

        error.Failure.Reason.ShouldBe(FailureReason.IterationsRejected);
        error.Message.ShouldContain("100,000");
        await Eventually.True(() => live.Failures.Any(f => f.Failure.Reason == FailureReason.IterationsRejected), "the client's alert to reach the server");
    }

    /// <summary>Encodes a published value at the group's fixed length, or minimally when it does not fit.</summary>
    private static byte[] Encode(string hex, int elementSize)
    {
        var value = BigInteger.Parse("0" + hex, NumberStyles.AllowHexSpecifier);
        byte[] minimal = value.IsZero ? [0] : value.ToByteArray(isUnsigned: true, isBigEndian: true);
        return minimal.Length >= elementSize ? minimal : [.. new byte[elementSize - minimal.Length], .. minimal];
    }

    /// <summary>A client that writes each handshake message by hand.</summary>
    private sealed class ManualClient : IAsyncDisposable
    {
        private readonly RawClient _raw;

        private ManualClient(RawClient raw) => _raw = raw;

        public int LocalPort => _raw.LocalPort;

        public static async Task<ManualClient> ConnectAsync(int port) => new(await RawClient.ConnectAsync(port));

        public Task HelloAsync(ushort[] versions, ushort[] groups, byte[]? trailing = null)
        {
            var hello = new ClientHello(versions, groups, 0, RandomNumberGenerator.GetBytes(WireFormat.NonceSize), null);
            byte[] body = new byte[hello.Size];
            hello.Write(body);
            return SendAsync(FrameType.ClientHello, [.. body, .. trailing ?? []]);
        }

        public Task CommitAsync(DhGroupId group, byte[] y, byte[] nonce)
        {
            byte[] commitment = new byte[32];
            KeySchedule.ComputeCommitment(group, y, nonce, commitment);
            return SendAsync(FrameType.Commit, commitment);
        }

        public Task SendAsync(FrameType type, byte[] body) => _raw.SendAsync(RawClient.Frame((byte)type, body));

        public async Task<(byte Type, byte[] Body)> ReadAsync()
        {
            byte[] frame = (await _raw.ReadFrameAsync()).ShouldNotBeNull("the server closed without answering");
            return (frame[0], frame[WireFormat.FrameHeaderSize..]);
        }

        public ValueTask DisposeAsync() => _raw.DisposeAsync();
    }

    /// <summary>
    /// A one-connection fake server: answers honestly with a server <see cref="SecureSession"/> up to the KeyShare,
    /// whose body the test supplies.
    /// </summary>
    private sealed class FakeServer : IAsyncDisposable
    {
        private readonly Socket _listener;
        private readonly Task _run;

        private FakeServer(Socket listener, Func<byte[], byte[]> keyShare)
        {
            _listener = listener;
            Port = ((IPEndPoint)listener.LocalEndPoint!).Port;
            _run = Task.Run(() => ServeOneAsync(keyShare));
        }

        public int Port { get; }

        public static FakeServer Start(Func<byte[], byte[]> keyShare)
        {
            var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            listener.Listen(1);
            return new FakeServer(listener, keyShare);
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Dispose();
            await _run.WaitAsync(TimeSpan.FromSeconds(30));
        }

        private async Task ServeOneAsync(Func<byte[], byte[]> keyShare)
        {
            try
            {
                using Socket socket = await _listener.AcceptAsync();
                using var session = new SecureSession(new SessionSettings { Role = SessionRole.Server });
                session.Start();
                byte[] buffer = new byte[4096];
                while (!session.IsEnded)
                {
                    int read = await socket.ReceiveAsync(buffer, SocketFlags.None).WaitAsync(TimeSpan.FromSeconds(30));
                    if (read == 0)
                    {
                        return;
                    }

                    session.Receive(buffer.AsSpan(0, read));
                    byte[] output = session.ExchangeOutput(new ArrayBufferWriter<byte>()).WrittenSpan.ToArray();
                    foreach (byte[] frame in RawClient.SplitFrames(output))
                    {
                        byte[] toSend = frame[0] == (byte)FrameType.KeyShare
                            ? RawClient.Frame((byte)FrameType.KeyShare, keyShare(frame[WireFormat.FrameHeaderSize..(WireFormat.FrameHeaderSize + 32)]))
                            : frame;
                        await socket.SendAsync(toSend, SocketFlags.None);
                    }
                }
            }
            catch (Exception e) when (e is SocketException or ObjectDisposedException or TimeoutException)
            {
            }
        }
    }
}
