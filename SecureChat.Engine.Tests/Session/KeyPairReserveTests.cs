using SecureChat.Engine.Crypto;
using SecureChat.Engine.Session;

namespace SecureChat.Engine.Tests.Session;

/// <summary>The key pairs made ahead of a handshake: each handed out once, of the group asked for, and replaced only when the reserve refills.</summary>
public sealed class KeyPairReserveTests
{
    [Fact]
    public async Task A_prepared_pair_is_handed_out_once_and_a_client_reserve_does_not_make_another()
    {
        using var reserve = new KeyPairReserve(SystemRandom.Instance, refills: false);
        await reserve.Prepare(DhGroup.Ffdhe2048);

        reserve.TryTake(DhGroup.Ffdhe3072).ShouldBeNull("only the group prepared is ready");
        using DhKeyPair pair = reserve.TryTake(DhGroup.Ffdhe2048).ShouldNotBeNull();
        pair.Group.ShouldBe(DhGroup.Ffdhe2048);
        reserve.TryTake(DhGroup.Ffdhe2048).ShouldBeNull("a pair is never handed out twice");
        await Task.Delay(100);
        reserve.TryTake(DhGroup.Ffdhe2048).ShouldBeNull("without refills, nothing is made unasked");
    }

    [Fact]
    public async Task A_server_reserve_replaces_each_pair_taken_with_a_fresh_one()
    {
        using var reserve = new KeyPairReserve(SystemRandom.Instance, refills: true);
        await reserve.Prepare(DhGroup.Ffdhe2048);
        var seen = new HashSet<string>();
        for (int i = 0; i < 5; i++)
        {
            using DhKeyPair pair = await Eventually.Value(() => reserve.TryTake(DhGroup.Ffdhe2048), "the next pair", TimeSpan.FromSeconds(10));
            seen.Add(Convert.ToHexString(pair.PublicValue)).ShouldBeTrue("every pair is fresh");
        }
    }

    [Fact]
    public async Task A_disposed_reserve_hands_out_nothing_and_makes_nothing()
    {
        var reserve = new KeyPairReserve(SystemRandom.Instance, refills: true);
        await reserve.Prepare(DhGroup.Ffdhe2048);
        reserve.Dispose();

        reserve.TryTake(DhGroup.Ffdhe2048).ShouldBeNull("the ready pair was wiped with the reserve");
        reserve.Prepare(DhGroup.Ffdhe2048).IsCompleted.ShouldBeTrue();
        reserve.TryTake(DhGroup.Ffdhe2048).ShouldBeNull();
    }
}
