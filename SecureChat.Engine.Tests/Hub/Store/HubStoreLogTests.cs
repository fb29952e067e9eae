using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>A room's log in the hub's store, on a real SQLite file in a temporary directory.</summary>
public sealed class HubStoreLogTests : IDisposable
{
    private const string Room = "#ops";
    private const string Alice = "A11CE";
    private const string Bob = "B0B";

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Records_are_numbered_from_one_and_read_after_a_sequence_number_in_order()
    {
        using HubStore store = Open();
        for (int i = 1; i <= 5; i++)
        {
            store.Append(Room, StoredKind.Message, 3, Alice, Payload(i, 10)).ShouldBe(i);
        }

        store.LastSeq(Room).ShouldBe(5);
        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([1, 2, 3, 4, 5]);
        IReadOnlyList<LogRecord> after = store.ReadAfter(Room, 2);
        after.Select(r => r.Seq).ShouldBe([3, 4, 5]);
        after.Select(r => r.Mls[0]).ShouldBe([(byte)3, (byte)4, (byte)5]);
        after[0].ShouldSatisfyAllConditions(
            r => r.Kind.ShouldBe(StoredKind.Message),
            r => r.Epoch.ShouldBe(3UL),
            r => r.Sender.ShouldBe(Alice),
            r => r.At.ShouldBe(_time.GetUtcNow()),
            r => r.Mls.ShouldBe(Payload(3, 10)));
        store.ReadAfter(Room, 1, max: 2).Select(r => r.Seq).ShouldBe([2, 3]);
        store.ReadAfter(Room, 5).ShouldBeEmpty();
    }

    [Fact]
    public void Each_room_has_its_own_sequence_and_records()
    {
        using HubStore store = Open();
        store.Append(Room, StoredKind.Message, 0, Alice, [1]).ShouldBe(1);
        store.Append("#dev", StoredKind.Message, 0, Alice, [2]).ShouldBe(1);
        store.Append(Room, StoredKind.Commit, 0, Alice, [3]).ShouldBe(2);

        store.ReadAfter("#dev", 0).Single().Mls.ShouldBe([(byte)2]);
        store.ReadAfter(Room, 0).Select(r => r.Mls[0]).ShouldBe([(byte)1, (byte)3]);
        store.LastSeq("#nothing").ShouldBe(0);
    }

    [Fact]
    public void Records_appended_together_are_numbered_in_order_per_room()
    {
        using HubStore store = Open();
        store.Append(Room, StoredKind.Message, 0, Alice, [0]);

        store.AppendAll([
            new LogAppend(Room, StoredKind.Message, 0, Alice, [1]),
            new LogAppend("#dev", StoredKind.Message, 0, Bob, [2]),
            new LogAppend(Room, StoredKind.Commit, 0, Alice, [3]),
        ]).ShouldBe([2L, 1L, 3L]);

        store.ReadAfter(Room, 0).Select(r => r.Mls[0]).ShouldBe([(byte)0, (byte)1, (byte)3]);
        store.ReadAfter("#dev", 0).Single().Sender.ShouldBe(Bob);
    }

    [Fact]
    public void Records_appended_together_are_all_kept_or_none()
    {
        using HubStore store = Open();
        store.Append(Room, StoredKind.Message, 0, Alice, [0]);

        // A record SQLite refuses (no sender) fails the whole write.
        Should.Throw<HubStoreException>(() => store.AppendAll([
            new LogAppend(Room, StoredKind.Message, 0, Alice, [1]),
            new LogAppend("#dev", StoredKind.Message, 0, Alice, [2]),
            new LogAppend(Room, StoredKind.Message, 0, null!, [3]),
        ]));

        store.ReadAfter(Room, 0).Select(r => r.Mls[0]).ShouldBe([(byte)0]);
        store.LastSeq(Room).ShouldBe(1);
        store.LastSeq("#dev").ShouldBe(0);
        store.Append(Room, StoredKind.Message, 0, Alice, [4]).ShouldBe(2);
    }

    [Fact]
    public void The_byte_bound_trims_the_oldest_records_first_and_never_reuses_their_numbers()
    {
        using HubStore store = Open(new HubStoreOptions { RoomBytesMax = 1000 });
        for (int i = 1; i <= 10; i++)
        {
            store.Append(Room, StoredKind.Message, 1, Alice, Payload(i, 300));
        }

        // 1,000 bytes hold three records of 300: the last three.
        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([8, 9, 10]);
        store.RoomBytes(Room).ShouldBe(900);
        store.Append(Room, StoredKind.Message, 1, Alice, Payload(11, 300)).ShouldBe(11);
        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([9, 10, 11]);
    }

    [Fact]
    public void A_record_larger_than_the_byte_bound_is_not_kept()
    {
        using HubStore store = Open(new HubStoreOptions { RoomBytesMax = 1000 });
        store.Append(Room, StoredKind.Message, 1, Alice, Payload(1, 1001)).ShouldBe(1);

        store.ReadAfter(Room, 0).ShouldBeEmpty();
        store.RoomBytes(Room).ShouldBe(0);
        store.Append(Room, StoredKind.Message, 1, Alice, Payload(2, 10)).ShouldBe(2);
        store.ReadAfter(Room, 0).Single().Seq.ShouldBe(2);
    }

    [Fact]
    public void The_age_bound_trims_records_older_than_it()
    {
        using HubStore store = Open(new HubStoreOptions { RoomAgeMax = TimeSpan.FromDays(7) });
        store.Append(Room, StoredKind.Message, 1, Alice, [1]);
        _time.Advance(TimeSpan.FromDays(3));
        store.Append(Room, StoredKind.Message, 1, Alice, [2]);
        _time.Advance(TimeSpan.FromDays(4) + TimeSpan.FromMilliseconds(1));
        store.Append(Room, StoredKind.Message, 1, Alice, [3]);

        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([2, 3]);
        store.RoomBytes(Room).ShouldBe(2);
    }

    [Fact]
    public void Trimming_keeps_a_commit_an_away_reader_has_not_passed_and_drops_the_messages_around_it()
    {
        using HubStore store = Open(new HubStoreOptions { RoomBytesMax = 1000 });
        store.Append(Room, StoredKind.Message, 1, Alice, Payload(1, 300));
        store.SetReader(Room, Bob, afterSeq: 1);
        store.Append(Room, StoredKind.Commit, 1, Alice, Payload(2, 300));
        for (int i = 3; i <= 8; i++)
        {
            store.Append(Room, StoredKind.Message, 2, Alice, Payload(i, 300));
        }

        // Bob needs commit 2 to reach epoch 2: it stays, with the two newest messages under the bound.
        store.ReadAfter(Room, 1).Select(r => (r.Seq, r.Kind)).ShouldBe([(2L, StoredKind.Commit), (7L, StoredKind.Message), (8L, StoredKind.Message)]);
        store.RoomBytes(Room).ShouldBe(900);
    }

    [Fact]
    public void A_commit_every_reader_has_passed_is_trimmed_like_a_message()
    {
        using HubStore store = Open(new HubStoreOptions { RoomBytesMax = 1000 });
        store.Append(Room, StoredKind.Commit, 1, Alice, Payload(1, 300));
        store.SetReader(Room, Bob, afterSeq: 1);
        for (int i = 2; i <= 5; i++)
        {
            store.Append(Room, StoredKind.Message, 2, Alice, Payload(i, 300));
        }

        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([3, 4, 5]);
        store.Readers(Room).ShouldBe(new Dictionary<string, long> { [Bob] = 1 });
    }

    [Fact]
    public void A_commit_kept_for_a_reader_goes_once_the_reader_is_removed()
    {
        using HubStore store = Open(new HubStoreOptions { RoomBytesMax = 1000 });
        store.SetReader(Room, Bob, afterSeq: 0);
        store.Append(Room, StoredKind.Commit, 1, Alice, Payload(1, 300));
        for (int i = 2; i <= 4; i++)
        {
            store.Append(Room, StoredKind.Message, 2, Alice, Payload(i, 300));
        }

        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([1, 3, 4]);
        store.RemoveReader(Room, Bob);
        store.Append(Room, StoredKind.Message, 2, Alice, Payload(5, 300));
        store.ReadAfter(Room, 0).Select(r => r.Seq).ShouldBe([3, 4, 5]);
        store.Readers(Room).ShouldBeEmpty();
    }

    [Fact]
    public void A_dropped_room_keeps_nothing_and_starts_its_sequence_again()
    {
        using HubStore store = Open();
        store.Append(Room, StoredKind.Message, 1, Alice, [1]);
        store.SetReader(Room, Bob, 0);
        store.AddRoomMember(Room, Bob);
        store.DropRoom(Room);

        store.ReadAfter(Room, 0).ShouldBeEmpty();
        store.Readers(Room).ShouldBeEmpty();
        store.RoomMembers().ShouldNotContainKey(Room);
        store.Append(Room, StoredKind.Message, 1, Alice, [2]).ShouldBe(1);
    }

    [Fact]
    public void The_log_is_read_back_in_order_after_the_store_is_closed_and_opened_again()
    {
        using (HubStore store = Open())
        {
            for (int i = 1; i <= 20; i++)
            {
                store.Append(Room, i % 7 == 0 ? StoredKind.Commit : StoredKind.Message, (ulong)(i / 7), Alice, Payload(i, 50));
            }
        }

        using HubStore again = Open();
        again.SetAside.ShouldBeNull();
        IReadOnlyList<LogRecord> records = again.ReadAfter(Room, 0);
        records.Select(r => r.Seq).ShouldBe(Enumerable.Range(1, 20).Select(i => (long)i));
        records.Select(r => r.Mls).ShouldBe(Enumerable.Range(1, 20).Select(i => Payload(i, 50)));
        records.Where(r => r.Kind == StoredKind.Commit).Select(r => r.Seq).ShouldBe([7L, 14L]);
        again.Append(Room, StoredKind.Message, 2, Alice, [0]).ShouldBe(21);
    }

    private HubStore Open(HubStoreOptions? options = null) =>
        HubStore.Open(_directory.Combine("hub"), (options ?? new HubStoreOptions()) with { Time = _time });

    private static byte[] Payload(int n, int length)
    {
        byte[] bytes = new byte[length];
        bytes.AsSpan().Fill((byte)n);
        return bytes;
    }
}
