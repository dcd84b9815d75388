using Workflows.Applicants;

namespace Workflows.Tests.Applicants;

public class IdNumberTests
{
    [Theory]
    [InlineData("11010519491231002X")] // the example printed in GB 11643-1999
    [InlineData("11010519491231002x")] // a lower-case check character is the same number
    [InlineData("440524188001010014")]
    public void Accepts_numbers_whose_check_character_matches(string id) => Assert.Null(IdNumber.Problem(id));

    [Theory]
    [InlineData("110105194912310021", "check digit")]
    [InlineData("440524188001010015", "check digit")]
    [InlineData("11010519491331002X", "birth date")]
    [InlineData("1101051949123100", "18 characters")]
    [InlineData("A1010519491231002X", "digits")]
    [InlineData("", "required")]
    [InlineData(null, "required")]
    public void Refuses_malformed_numbers_and_says_why(string? id, string reason) =>
        Assert.Contains(reason, IdNumber.Problem(id));

    [Fact]
    public void Refuses_a_birth_date_after_today()
    {
        var born = new DateOnly(2026, 12, 3);
        var id = "220102" + born.ToString("yyyyMMdd") + "001";
        id += IdNumber.CheckDigit(id);
        Assert.Null(IdNumber.Problem(id, born));
        Assert.Contains("future", IdNumber.Problem(id, born.AddDays(-1)));
    }

    [Fact]
    public void Masks_all_but_the_first_six_and_last_four() =>
        Assert.Equal("110105********002X", IdNumber.Mask("11010519491231002X"));
}
