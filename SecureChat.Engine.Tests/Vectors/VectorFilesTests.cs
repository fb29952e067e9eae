using SecureChat.Engine.Tests.Support;

namespace SecureChat.Engine.Tests.Vectors;

public sealed class VectorFilesTests
{
    [Fact]
    public void A_missing_published_vector_file_fails_the_test_instead_of_skipping_it()
    {
        Exception thrown = Should.Throw<Exception>(() => VectorFiles.Require("no-such-vectors.json", "the absent test vectors"));
        TestContext.Current.TestOutputHelper?.WriteLine($"{thrown.GetType().Name}: {thrown.Message}");
        thrown.ShouldBeOfType<Xunit.Sdk.FailException>();
        thrown.Message.ShouldContain(Path.Combine(VectorFiles.Directory, "no-such-vectors.json"));
        thrown.Message.ShouldContain("the absent test vectors");
    }

    [Fact]
    public void The_published_vectors_are_where_the_tests_look_for_them()
    {
        System.IO.Directory.Exists(VectorFiles.Directory).ShouldBeTrue(VectorFiles.Directory);
        System.IO.Directory.EnumerateFiles(VectorFiles.Directory, "*", SearchOption.AllDirectories).ShouldNotBeEmpty();
    }
}
