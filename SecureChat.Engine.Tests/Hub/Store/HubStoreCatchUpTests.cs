using System.Security.Cryptography;
using System.Text;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Mls.Group;
using SecureChat.Engine.Mls.Messages;
using SecureChat.Engine.Tests.Hub.Groups;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>
/// The hub store with real MLS traffic (RFC 9420, suite 1): what a member missed while away is read back after the
/// store was closed and opened again, and the store's files hold only what the hub relays, never a message's text.
/// </summary>
public sealed class HubStoreCatchUpTests : IDisposable
{
    private const string Room = "#ops";
    private const string Secret = "attack at dawn";

    private readonly TempDirectory _directory = new();
    private readonly TimeProvider _time = TimeProvider.System;
    private readonly DsMember _alice = new("Alice");
    private readonly DsMember _bob = new("Bob");
    private readonly DsMember _carol = new("Carol");

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_member_away_for_100_messages_and_2_commits_reads_all_100_in_order_from_the_reopened_store()
    {
        string directory = _directory.Combine("hub");
        using (HubStore store = HubStore.Open(directory))
        {
            Found();
            store.SetReader(Room, _bob.Identity, store.LastSeq(Room)); // Bob's link drops: he is away from here on
            for (int n = 1; n <= 100; n++)
            {
                if (n == 41)
                {
                    byte[] package = _carol.NewKeyPackage(_time);
                    (byte[] commit, byte[] welcome) = Commit([package]);
                    store.Append(Room, StoredKind.Commit, _alice.State!.Epoch - 1, _alice.Identity, commit);
                    store.Hold(_carol.Identity, StoredKind.Welcome, Encoding.UTF8.GetBytes(Room), _alice.Identity, welcome).ShouldBe(HoldOutcome.Held);
                }

                if (n == 77)
                {
                    (byte[] renewal, _) = Commit([]); // an empty commit: Alice renews her leaf
                    store.Append(Room, StoredKind.Commit, _alice.State!.Epoch - 1, _alice.Identity, renewal);
                }

                store.Append(Room, StoredKind.Message, _alice.State!.Epoch, _alice.Identity, _alice.Message(Text(n)));
            }
        }

        using HubStore reopened = HubStore.Open(directory);
        IReadOnlyList<LogRecord> missed = reopened.ReadAfter(Room, reopened.Readers(Room)[_bob.Identity]);
        missed.Count(r => r.Kind == StoredKind.Commit).ShouldBe(2);
        ReadAll(_bob, missed).ShouldBe(Enumerable.Range(1, 100).Select(Text));

        // Carol, added while offline, joins by the held Welcome and reads what was sent after her add.
        HeldRecord held = reopened.HeldFor(_carol.Identity).Single();
        held.Kind.ShouldBe(StoredKind.Welcome);
        _carol.Join(held.Mls);
        long added = reopened.ReadAfter(Room, 0).First(r => r.Kind == StoredKind.Commit).Seq;
        ReadAll(_carol, reopened.ReadAfter(Room, added)).ShouldBe(Enumerable.Range(41, 60).Select(Text));
    }

    [Fact]
    public void The_store_files_hold_the_relayed_ciphertext_and_never_a_messages_text()
    {
        string directory = _directory.Combine("hub");
        byte[] sample;
        using (HubStore store = HubStore.Open(directory))
        {
            Found();
            sample = _alice.Message(Text(0));
            store.Append(Room, StoredKind.Message, _alice.State!.Epoch, _alice.Identity, sample);
            for (int n = 1; n <= 200; n++)
            {
                store.Append(Room, StoredKind.Message, _alice.State!.Epoch, _alice.Identity, _alice.Message(Text(n)));
                store.Hold(_bob.Identity, StoredKind.Message, [0, .. Convert.FromHexString(_alice.Identity)], _alice.Identity, _alice.Message(Text(n)));
            }

            // While the store is open (its log in hub.db-wal) and after it closed (checkpointed into hub.db).
            ScanFiles(directory, sample);
        }

        ScanFiles(directory, sample);
    }

    /// <summary>Every file of the store: the relayed bytes are there (the scan reads the real content), the text is not.</summary>
    private static void ScanFiles(string directory, byte[] relayed)
    {
        byte[][] files = [.. Directory.GetFiles(directory).Select(File.ReadAllBytes)];
        byte[] tail = relayed[^64..];
        files.Any(bytes => Contains(bytes, tail)).ShouldBeTrue("the relayed ciphertext is in the files");
        foreach (byte[] bytes in files)
        {
            Contains(bytes, Encoding.UTF8.GetBytes(Secret)).ShouldBeFalse();
            Contains(bytes, Encoding.Unicode.GetBytes(Secret)).ShouldBeFalse();
        }
    }

    private static bool Contains(byte[] bytes, byte[] part) => bytes.AsSpan().IndexOf(part) >= 0;

    private static string Text(int n) => $"{Secret} #{n}";

    /// <summary>Alice founds the room's group and adds Bob.</summary>
    private void Found()
    {
        _alice.Found(RandomNumberGenerator.GetBytes(16), _time);
        byte[] package = _bob.NewKeyPackage(_time);
        (_, byte[] welcome) = Commit([package]);
        _bob.Join(welcome);
    }

    /// <summary>Alice commits these adds and applies her commit (the hub accepted it).</summary>
    private (byte[] Commit, byte[] Welcome) Commit(IReadOnlyList<byte[]> adds)
    {
        (byte[] commit, byte[] welcome, PendingCommit pending) = _alice.BuildCommit([], adds, _time);
        _alice.State = pending.Merge();
        return (commit, welcome);
    }

    /// <summary>What a member reads from records in order: it processes each commit and decrypts each message.</summary>
    private List<string> ReadAll(DsMember member, IReadOnlyList<LogRecord> records)
    {
        List<string> texts = [];
        foreach (LogRecord record in records)
        {
            if (record.Kind == StoredKind.Commit)
            {
                member.Process(record.Mls, _time);
                member.State!.Epoch.ShouldBe(record.Epoch + 1);
                continue;
            }

            member.State!.Epoch.ShouldBe(record.Epoch);
            ApplicationMessages.TryUnprotect(member.State, MlsMessage.Decode(record.Mls), out byte[]? plaintext, out _, out string failure).ShouldBeTrue(failure);
            texts.Add(Encoding.UTF8.GetString(plaintext!));
        }

        return texts;
    }
}
