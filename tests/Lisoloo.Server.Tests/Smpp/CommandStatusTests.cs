using System.Reflection;
using Lisoloo.Server.Carriers.Smpp.Pdus;

namespace Lisoloo.Server.Tests.Smpp;

/// <summary>The command_status table of SMPP 3.4 (section 5.1.3) and its names.</summary>
[TestFixture]
public sealed class CommandStatusTests
{
    [TestCase(CommandStatus.Ok, 0x00u, "ESME_ROK")]
    [TestCase(CommandStatus.InvalidCommandLength, 0x02u, "ESME_RINVCMDLEN")]
    [TestCase(CommandStatus.InvalidDestinationAddress, 0x0Bu, "ESME_RINVDSTADR")]
    [TestCase(CommandStatus.MessageQueueFull, 0x14u, "ESME_RMSGQFUL")]
    [TestCase(CommandStatus.InvalidServiceType, 0x15u, "ESME_RINVSERTYP")]
    [TestCase(CommandStatus.InvalidDestinationAddressTon, 0x50u, "ESME_RINVDSTTON")]
    [TestCase(CommandStatus.Throttled, 0x58u, "ESME_RTHROTTLED")]
    [TestCase(CommandStatus.ReceiverTemporaryAppError, 0x64u, "ESME_RX_T_APPN")]
    [TestCase(CommandStatus.InvalidOptionalParameterStream, 0xC0u, "ESME_RINVOPTPARSTREAM")]
    [TestCase(CommandStatus.InvalidOptionalParameterValue, 0xC4u, "ESME_RINVOPTPARAMVAL")]
    [TestCase(CommandStatus.DeliveryFailure, 0xFEu, "ESME_RDELIVERYFAILURE")]
    [TestCase(CommandStatus.UnknownError, 0xFFu, "ESME_RUNKNOWNERR")]
    public void Name_SpecValue_ReturnsSpecName(uint status, uint specValue, string specName)
    {
        Assert.That(status, Is.EqualTo(specValue));
        Assert.That(CommandStatus.Name(status), Is.EqualTo(specName));
    }

    [TestCase(0x09u, "0x00000009")]
    [TestCase(0x400u, "0x00000400")]
    [TestCase(0xFFFF_FFFFu, "0xFFFFFFFF")]
    public void Name_ReservedOrVendorValue_ReturnsEightHexDigits(uint status, string expected)
    {
        Assert.That(CommandStatus.Name(status), Is.EqualTo(expected));
    }

    [Test]
    public void Name_EveryConstant_HasItsOwnSpecName()
    {
        var values = typeof(CommandStatus).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral)
            .Select(f => (uint)f.GetRawConstantValue()!)
            .ToArray();
        var names = values.Select(CommandStatus.Name).ToArray();

        Assert.That(values, Has.Length.EqualTo(48), "SMPP 3.4 defines 48 command_status values");
        Assert.That(names, Is.All.StartsWith("ESME_R"));
        Assert.That(names, Is.Unique);
        Assert.That(values, Is.Unique);
    }
}
