using Microsoft.Extensions.Time.Testing;
using SecureChat.Engine.Hub.Store;
using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Hub.Store;

/// <summary>Records held in the hub's store for identities that have no link, on a real SQLite file.</summary>
public sealed class HubStoreHeldTests : IDisposable
{
    private const string Alice = "A11CE";
    private const string Bob = "B0B";
    private const string Carol = "CA201";

    private static readonly byte[] FromAlice = [0, .. Enumerable.Repeat((byte)0xA1, 32)];

    private readonly TempDirectory _directory = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 7, 12, 0, 0, TimeSpan.Zero));

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void Records_held_for_a_recipient_come_back_in_order_and_only_to_it()
    {
        using HubStore store = Open();
        store.Hold(Bob, StoredKind.Welcome, FromAlice, Alice, [1]).ShouldBe(HoldOutcome.Held);
        store.Hold(Carol, StoredKind.Message, FromAlice, Alice, [9]).ShouldBe(HoldOutcome.Held);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [2]).ShouldBe(HoldOutcome.Held);
        store.Hold(Bob, StoredKind.Commit, FromAlice, Alice, [3]).ShouldBe(HoldOutcome.Held);

        IReadOnlyList<HeldRecord> held = store.HeldFor(Bob);
        held.Select(r => (r.Kind, r.Mls[0])).ShouldBe([(StoredKind.Welcome, (byte)1), (StoredKind.Message, (byte)2), (StoredKind.Commit, (byte)3)]);
        held.ShouldAllBe(r => r.Sender == Alice && r.Target.SequenceEqual(FromAlice));
        store.HeldFor(Carol).Single().Mls.ShouldBe([(byte)9]);
        store.HeldRecipients().ShouldBe([Bob, Carol]);
    }

    [Fact]
    public void Delivered_records_are_forgotten_and_later_ones_stay()
    {
        using HubStore store = Open();
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [1]);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [2]);
        long first = store.HeldFor(Bob)[0].Id;
        store.Delivered(Bob, first);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [3]);

        store.HeldFor(Bob).Select(r => r.Mls[0]).ShouldBe([(byte)2, (byte)3]);
        store.Delivered(Bob, store.HeldFor(Bob)[^1].Id);
        store.HeldFor(Bob).ShouldBeEmpty();
        store.HeldRecipients().ShouldBeEmpty();
    }

    [Fact]
    public void A_record_that_would_pass_a_recipients_byte_bound_is_refused_and_the_held_ones_stay()
    {
        using HubStore store = Open(new HubStoreOptions { HeldBytesMax = 1000 });
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, new byte[600]).ShouldBe(HoldOutcome.Held);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, new byte[400]).ShouldBe(HoldOutcome.Held);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, new byte[1]).ShouldBe(HoldOutcome.Full);
        store.Hold(Carol, StoredKind.Message, FromAlice, Alice, new byte[1000]).ShouldBe(HoldOutcome.Held);

        store.HeldFor(Bob).Select(r => r.Mls.Length).ShouldBe([600, 400]);
    }

    [Fact]
    public void A_record_that_would_pass_a_recipients_count_bound_is_refused()
    {
        using HubStore store = Open(new HubStoreOptions { HeldCountMax = 3 });
        for (int i = 0; i < 3; i++)
        {
            store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [(byte)i]).ShouldBe(HoldOutcome.Held);
        }

        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [3]).ShouldBe(HoldOutcome.Full);
        store.Delivered(Bob, store.HeldFor(Bob)[0].Id);
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [4]).ShouldBe(HoldOutcome.Held);
        store.HeldFor(Bob).Select(r => r.Mls[0]).ShouldBe([(byte)1, (byte)2, (byte)4]);
    }

    [Fact]
    public void A_record_held_longer_than_the_age_bound_is_no_longer_delivered_and_frees_its_room()
    {
        using HubStore store = Open(new HubStoreOptions { HeldAgeMax = TimeSpan.FromDays(7), HeldCountMax = 1 });
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [1]);
        _time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromMilliseconds(1));

        store.HeldFor(Bob).ShouldBeEmpty();
        store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [2]).ShouldBe(HoldOutcome.Held);
        store.HeldFor(Bob).Single().Mls.ShouldBe([(byte)2]);
    }

    [Fact]
    public void Held_records_survive_the_store_being_closed_and_opened_again()
    {
        using (HubStore store = Open())
        {
            store.Hold(Bob, StoredKind.Welcome, FromAlice, Alice, [1, 2, 3]);
            store.Hold(Bob, StoredKind.Message, FromAlice, Alice, [4]);
        }

        using HubStore again = Open();
        again.HeldFor(Bob).Select(r => r.Mls).ShouldBe([[1, 2, 3], [4]]);
    }

    private HubStore Open(HubStoreOptions? options = null) =>
        HubStore.Open(_directory.Combine("hub"), (options ?? new HubStoreOptions()) with { Time = _time });
}
