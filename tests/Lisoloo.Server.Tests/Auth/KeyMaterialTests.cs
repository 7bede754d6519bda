using Lisoloo.Server.Auth;

namespace Lisoloo.Server.Tests.Auth;

/// <summary>The shape check that runs before any key lookup.</summary>
[TestFixture]
public sealed class KeyMaterialTests
{
    [TestCase("sk_test_0123456789abcdef", true, "test")]
    [TestCase("sk_live_ABCDEFGHIJKLMNOPqrstuvwxyz0123456789", true, "live")]
    [TestCase("sk_test_0123456789abcde", false, null)] // 15 characters after the prefix
    [TestCase("sk_test_0123456789abcde-", false, null)]
    [TestCase("sk_test_0123456789abcdé0", false, null)] // a letter, but not ASCII
    [TestCase("sk_test_0123456789abcd ef", false, null)]
    [TestCase("sk_prod_0123456789abcdef", false, null)]
    [TestCase("SK_TEST_0123456789abcdef", false, null)]
    [TestCase("sk_test_", false, null)]
    [TestCase("", false, null)]
    public void Keys_are_the_prefix_then_16_to_128_base62_characters(string key, bool wellFormed, string? environment)
    {
        Assert.That(KeyMaterial.IsWellFormed(key, out var env), Is.EqualTo(wellFormed));
        if (wellFormed)
        {
            Assert.That(env, Is.EqualTo(environment));
        }
    }

    [Test]
    public void The_length_bound_is_inclusive_at_both_ends()
    {
        Assert.Multiple(() =>
        {
            Assert.That(KeyMaterial.IsWellFormed("sk_live_" + new string('a', 16), out _), Is.True);
            Assert.That(KeyMaterial.IsWellFormed("sk_live_" + new string('Z', 128), out _), Is.True);
            Assert.That(KeyMaterial.IsWellFormed("sk_live_" + new string('9', 129), out _), Is.False);
        });
    }
}
