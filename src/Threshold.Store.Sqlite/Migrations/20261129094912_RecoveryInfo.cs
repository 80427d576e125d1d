using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Threshold.Store.Sqlite.Migrations
{
    /// <inheritdoc />
    public partial class RecoveryInfo : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "NormalizedRecoveryEmail",
                table: "Accounts",
                type: "TEXT",
                maxLength: 256,
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_Accounts_NormalizedRecoveryEmail",
                table: "Accounts",
                column: "NormalizedRecoveryEmail");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Accounts_NormalizedRecoveryEmail",
                table: "Accounts");

            migrationBuilder.DropColumn(
                name: "NormalizedRecoveryEmail",
                table: "Accounts");
        }
    }
}
