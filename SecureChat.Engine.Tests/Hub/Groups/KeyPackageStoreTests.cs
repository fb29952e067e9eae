using SecureChat.Engine.Hub.Groups;

namespace SecureChat.Engine.Tests.Hub.Groups;

/// <summary>How many key packages the hub keeps per identity and how it hands them out (PROTOCOL.md 4.8).</summary>
public sealed class KeyPackageStoreTests
{
    private const string Alice = "A1";
    private readonly KeyPackageStore _store = new();

    private static StoredKeyPackage Package(int n) => new([(byte)n], [(byte)n, 0xAA]);

    private List<int> TakeAll()
    {
        List<int> taken = [];
        while (_store.OneTimeCount(Alice) > 0 && _store.TryTake(Alice, out StoredKeyPackage? k, out _))
        {
            taken.Add(k!.Message[0]);
        }

        return taken;
    }

    [Fact]
    public void Each_one_time_key_package_is_handed_out_once_oldest_first()
    {
        for (int i = 1; i <= 3; i++)
        {
            _store.Add(Alice, Package(i), lastResort: false);
        }

        TakeAll().ShouldBe([1, 2, 3]);
        _store.TryTake(Alice, out _, out _).ShouldBeFalse();
    }

    [Fact]
    public void At_most_eight_one_time_key_packages_are_kept_and_a_newer_one_replaces_the_oldest()
    {
        for (int i = 1; i <= 10; i++)
        {
            _store.Add(Alice, Package(i), lastResort: false);
        }

        _store.OneTimeCount(Alice).ShouldBe(KeyPackageStore.OneTimeMax);
        TakeAll().ShouldBe([3, 4, 5, 6, 7, 8, 9, 10]);
    }

    [Fact]
    public void The_last_resort_is_handed_out_when_no_one_time_one_is_left_and_never_used_up()
    {
        _store.Add(Alice, Package(1), lastResort: false);
        _store.Add(Alice, Package(9), lastResort: true);

        List<int> taken = [];
        for (int i = 0; i < 4; i++)
        {
            _store.TryTake(Alice, out StoredKeyPackage? k, out _).ShouldBeTrue();
            taken.Add(k!.Message[0]);
        }

        taken.ShouldBe([1, 9, 9, 9]);
    }

    [Fact]
    public void Only_the_newest_last_resort_is_kept()
    {
        _store.Add(Alice, Package(8), lastResort: true);
        _store.Add(Alice, Package(9), lastResort: true);

        _store.TryTake(Alice, out StoredKeyPackage? k, out _).ShouldBeTrue();
        k!.Message[0].ShouldBe((byte)9);
    }

    [Fact]
    public void A_key_package_offered_twice_is_kept_once()
    {
        _store.Add(Alice, Package(1), lastResort: false);
        _store.Add(Alice, Package(1), lastResort: false);

        _store.OneTimeCount(Alice).ShouldBe(1);
    }

    [Fact]
    public void The_client_is_told_once_when_its_count_drops_below_three_and_again_after_it_published_more()
    {
        for (int i = 1; i <= 5; i++)
        {
            _store.Add(Alice, Package(i), lastResort: false);
        }

        List<bool> told = [];
        for (int i = 0; i < 5; i++)
        {
            _store.TryTake(Alice, out _, out bool tellFew).ShouldBeTrue();
            told.Add(tellFew);
        }

        told.ShouldBe([false, false, true, false, false]);
        for (int i = 11; i <= 13; i++)
        {
            _store.Add(Alice, Package(i), lastResort: false);
        }

        _store.TryTake(Alice, out _, out bool again).ShouldBeTrue();
        again.ShouldBeTrue();
    }

    [Fact]
    public void An_identity_without_key_packages_gets_none()
    {
        _store.TryTake("B2", out StoredKeyPackage? k, out bool tellFew).ShouldBeFalse();
        k.ShouldBeNull();
        tellFew.ShouldBeFalse();
    }
}
