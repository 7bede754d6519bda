namespace Lisoloo.Server.Configuration;

internal sealed class BootstrapOptions
{
    /// <summary>Create a sandbox merchant and print its test key when the store has no key.</summary>
    public bool CreateSandboxKey { get; set; } = true;

    public string Merchant { get; set; } = "sandbox";

    public decimal Balance { get; set; } = 100m;

    public decimal UnitPrice { get; set; } = 0.02m;

    public string Currency { get; set; } = "USD";
}
