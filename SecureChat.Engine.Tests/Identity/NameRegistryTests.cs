using System.Text;
using SecureChat.Engine.Identity;
using SecureChat.Engine.Tests.Support;
using static SecureChat.Engine.Tests.Identity.TrustKeys;

namespace SecureChat.Engine.Tests.Identity;

public sealed class NameRegistryTests
{
    private static readonly Func<string, bool> s_nobodyConnected = _ => false;

    [Fact]
    public void A_free_name_is_granted_and_then_belongs_to_that_identity()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        names.Claim("Bob", Key("bob"), s_nobodyConnected).ShouldBe("Bob");
        names.OwnerOf("bob").ShouldBe(Key("bob"));
        names.Claim("Bob", Key("bob"), s_nobodyConnected).ShouldBe("Bob");
    }

    [Fact]
    public void A_name_owned_by_another_identity_is_refused_with_name_2_then_name_3()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        names.Claim("Bob", Key("bob"), s_nobodyConnected);
        names.Claim("Bob", Key("mallory"), s_nobodyConnected).ShouldBe("Bob-2");
        names.Claim("BOB", Key("eve"), s_nobodyConnected).ShouldBe("BOB-3");
        names.Claim("Bob", Key("mallory"), s_nobodyConnected).ShouldBe("Bob-2");
        names.OwnerOf("bob-2").ShouldBe(Key("mallory"));
    }

    [Fact]
    public void Ownership_persists_for_a_new_instance_even_when_the_owner_is_not_connected()
    {
        using TempDirectory temp = new();
        new NameRegistry(ConfigDirectory.OpenPath(temp.Combine("c"))).Claim("Alice", Key("alice"), s_nobodyConnected);
        NameRegistry later = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        later.Claim("Alice", Key("mallory"), s_nobodyConnected).ShouldBe("Alice-2");
        later.Claim("Alice", Key("alice"), s_nobodyConnected).ShouldBe("Alice");
    }

    [Fact]
    public void A_name_in_use_by_a_connected_other_is_not_granted_even_when_unowned()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        names.Claim("Carol", Key("carol"), name => name is "Carol" or "Carol-2").ShouldBe("Carol-3");
        names.OwnerOf("Carol").ShouldBeNull();
    }

    [Fact]
    public void The_operators_name_is_reserved_for_the_operators_key_even_over_an_older_owner()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        names.Claim("Boss", Key("early-bird"), s_nobodyConnected).ShouldBe("Boss");

        names.ReserveOperator("Alice", Key("operator"));
        names.ReserveOperator("Boss", Key("operator"));
        names.Claim("boss", Key("early-bird"), s_nobodyConnected).ShouldBe("boss-2");
        names.Claim("Boss", Key("operator"), s_nobodyConnected).ShouldBe("Boss");
        names.OwnerOf("BOSS").ShouldBe(Key("operator"));
        names.Claim("Boss", Key("early-bird"), name => name == "Boss-2").ShouldBe("Boss-3");

        // The operator's earlier name was recorded as the operator's when it was free.
        names.Claim("Alice", Key("mallory"), s_nobodyConnected).ShouldBe("Alice-2");
    }

    [Fact]
    public void Names_that_differ_only_by_case_collide()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        names.Claim("Ren\u00E9", Key("rene"), s_nobodyConnected);
        names.Claim("REN\u00C9", Key("other"), s_nobodyConnected).ShouldBe("REN\u00C9-2");
        names.Claim("\u0414\u0438\u043C\u0430", Key("dima"), s_nobodyConnected);
        names.Claim("\u0434\u0418\u041C\u0410", Key("other"), s_nobodyConnected).ShouldBe("\u0434\u0418\u041C\u0410-2");
    }

    [Fact]
    public void Names_that_differ_only_by_normalisation_collide_where_the_runtime_normalises()
    {
        if ("e\u0301".Normalize(NormalizationForm.FormC) == "e\u0301")
        {
            Assert.Skip("string.Normalize is a no-op under InvariantGlobalization: NFC comes from the injected name key (display-name rules)");
        }

        NameRegistry.DefaultNameKey("re\u0301ne").ShouldBe(NameRegistry.DefaultNameKey("R\u00C9NE"));
    }

    [Fact]
    public void The_name_key_function_is_injectable()
    {
        using TempDirectory temp = new();
        static string Skeleton(string name) => NameRegistry.DefaultNameKey(name).Replace('0', 'O').Replace('1', 'L');
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")), Skeleton);
        names.Claim("Bob", Key("bob"), s_nobodyConnected);
        names.Claim("B0b", Key("mallory"), s_nobodyConnected).ShouldBe("B0b-2");
    }

    [Fact]
    public void A_suffixed_name_stays_within_64_bytes_of_utf8_cutting_whole_code_points()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        string longName = string.Concat(Enumerable.Repeat("😀", 16));
        Encoding.UTF8.GetByteCount(longName).ShouldBe(64);
        names.Claim(longName, Key("a"), s_nobodyConnected).ShouldBe(longName);
        string granted = names.Claim(longName, Key("b"), s_nobodyConnected);
        granted.ShouldBe(string.Concat(Enumerable.Repeat("😀", 15)) + "-2");
        Encoding.UTF8.GetByteCount(granted).ShouldBeLessThanOrEqualTo(64);
        NameRegistry.WithSuffix(new string('x', 64), 10).ShouldBe(new string('x', 29) + "-10");
        NameRegistry.WithSuffix("Alice the operations manager ok!", 2).ShouldBe("Alice the operations manager o-2");
        NameRegistry.WithSuffix("Alice the operations manager  ok", 10).ShouldBe("Alice the operations manager-10");
    }

    [Fact]
    public void Peer_chosen_names_are_stored_escaped_and_cannot_forge_an_owner_line()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        NameRegistry names = new(directory);
        string forged = $"x\nVictim {Convert.ToBase64String(Key("mallory"))}";
        names.Claim(forged[..Math.Min(forged.Length, 60)], Key("mallory"), s_nobodyConnected);
        names.Claim("#comment", Key("mallory"), s_nobodyConnected).ShouldBe("#comment");
        names.Claim("Victim", Key("victim"), s_nobodyConnected).ShouldBe("Victim");
        names.Claim("#comment", Key("other"), s_nobodyConnected).ShouldBe("#comment-2");
        File.ReadAllLines(directory.PathOf("names")).Count(l => !l.StartsWith('#')).ShouldBe(4);
    }

    [Fact]
    public void One_identity_holds_a_bounded_number_of_names_and_releases_its_oldest()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        for (int i = 0; i <= NameRegistry.MaxNamesPerIdentity; i++)
        {
            names.Claim($"squat{i}", Key("squatter"), s_nobodyConnected).ShouldBe($"squat{i}");
        }

        names.OwnerOf("squat0").ShouldBeNull();
        names.OwnerOf("squat1").ShouldBe(Key("squatter"));
        names.OwnerOf($"squat{NameRegistry.MaxNamesPerIdentity}").ShouldBe(Key("squatter"));
    }

    [Fact]
    public void Malformed_lines_are_skipped_and_kept()
    {
        using TempDirectory temp = new();
        ConfigDirectory directory = ConfigDirectory.OpenPath(temp.Combine("c"));
        string[] odd = ["# hand-written", "lonely", $"bad%ZZ {Convert.ToBase64String(Key("x"))}", $"Dan {Convert.ToBase64String(Key("dan"))} extra"];
        File.WriteAllLines(directory.PathOf("names"), odd);
        NameRegistry names = new(directory);
        names.Claim("Dan", Key("other"), s_nobodyConnected).ShouldBe("Dan-2");
        File.ReadAllLines(directory.PathOf("names"))[..odd.Length].ShouldBe(odd);
    }

    [Fact]
    public async Task Parallel_instances_claiming_one_name_each_get_a_different_one_and_all_are_recorded()
    {
        for (int round = 0; round < 4; round++)
        {
            using TempDirectory temp = new();
            string path = temp.Combine("c");
            using Barrier start = new(12);
            string[] granted = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() =>
            {
                NameRegistry names = new(ConfigDirectory.OpenPath(path));
                start.SignalAndWait(TimeSpan.FromSeconds(30));
                return names.Claim("Popular", Key($"id{i}"), s_nobodyConnected);
            })));

            granted.Distinct().Count().ShouldBe(12);
            granted.ShouldContain("Popular");
            NameRegistry check = new(ConfigDirectory.OpenPath(path));
            for (int i = 0; i < 12; i++)
            {
                check.OwnerOf(granted[i]).ShouldBe(Key($"id{i}"));
            }
        }
    }

    [Fact]
    public void Invalid_names_and_keys_are_caller_errors()
    {
        using TempDirectory temp = new();
        NameRegistry names = new(ConfigDirectory.OpenPath(temp.Combine("c")));
        Should.Throw<ArgumentException>(() => names.Claim("", Key("a"), s_nobodyConnected));
        Should.Throw<ArgumentException>(() => names.Claim(new string('x', 65), Key("a"), s_nobodyConnected));
        Should.Throw<ArgumentException>(() => names.Claim("ok", new byte[31], s_nobodyConnected));
    }
}
