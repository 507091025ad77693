#include "gaussnet_kernels.h"

#include <math.h>

#pragma clang fp contract(off)

// Ziggurat and exp tables as exact literals, so they do not depend on the libm of the machine
// that runs the program. The ziggurat table is printed by `scripts/generate-ziggurat-table`
// (its docstring gives the geometry and the packing of edge and threshold into one word);
// `RandomTests.testZigguratTable` checks its layer areas and thresholds.
// r = 0x1.ed0fd92741e00p+1 (3.8520461503683237), v = 0.002456766351541011; largest relative layer-area deviation 4.5e-11,
// base strip (rectangle + tail) against v: 3.9e-13
#define ZIGGURAT_R 0x1.ed0fd92741e00p+1
static const uint64_t ziggurat[513] = {
    0x4010632EE745915F, 0x400ED0FD92741E5A, 0x400D45F1F9158351, 0x400C4F49B35CC16A,
    0x400B997AF932DF66, 0x400B0870833F1F62, 0x400A8F3475055B60, 0x400A26B296EFDF7D,
    0x4009CA9DB4047F7A, 0x400978252FE39C78, 0x40092D56FF9B5D76, 0x4008E8CC22E90075,
    0x4008A979094C9D74, 0x40086E90C98A2673, 0x40083772E1302272, 0x4008039F2B119271,
    0x4007D2ADAAE96170, 0x4007A448CD014E8E, 0x4007782944CD218D, 0x40074E1305585E8C,
    0x400725D2FDC3828B, 0x4006FF3D6113228A, 0x4006DA2C52E10889, 0x4006B67EDE580989,
    0x4006941824BBB488, 0x400672DEB60AD387, 0x400652BC09F30687, 0x4006339C11DB2186,
    0x4006156CDE9C2486, 0x4005F81E55D14285, 0x4005DBA1F39D5485, 0x4005BFEA967A4884,
    0x4005A4EC532F3784, 0x40058A9C4F70DF84, 0x400570F0A1FED783, 0x400557E0374C5B83,
    0x40053F62B9F29F83, 0x400527707E4F6582, 0x4005100270CF9382, 0x4004F912067CA982,
    0x4004E2992F764C81, 0x4004CC924B100281, 0x4004B6F81D573881, 0x4004A1C5C5CF5781,
    0x40048CF6B739D080, 0x40047886B0466A80, 0x40046471B50DAA9F, 0x400450B4093B9D9F,
    0x40043D4A2AD5069F, 0x40042A30CD84269E, 0x40041764D65CE19E, 0x400404E3580A469E,
    0x4003F2A98F59689D, 0x4003E0B4E016F99D, 0x4003CF02D2368B9D, 0x4003BD910F3B769C,
    0x4003AC5D5FDC609C, 0x40039B65A9DB4F9C, 0x40038AA7EE0CD19C, 0x40037A224689859B,
    0x400369D2E505C49B, 0x400359B8114BB69B, 0x400349D027D4859B, 0x40033A19987DB99A,
    0x40032A92E558219A, 0x40031B3AA18DF09A, 0x40030C0F705DF69A, 0x4002FD10042A1599,
    0x4002EE3B1D974799, 0x4002DF8F8ABDA799, 0x4002D10C26672E99, 0x4002C2AFD75BDB99,
    0x4002B4798FBA3699, 0x4002A6684C5B2298, 0x4002987B14401F98, 0x40028AB0F80B1F98,
    0x40027D09117F3698, 0x40026F8283097098, 0x4002621C77513398, 0x400254D620CF9797,
    0x400247AEB96D3397, 0x40023AA58225E397, 0x40022DB9C2B21C97, 0x400220EAC9356597,
    0x40021437E9F19897, 0x400207A07EFE9897, 0x4001FB23E8062897, 0x4001EEC18A03A596,
    0x4001E278CF075096, 0x4001D64925FCFD96, 0x4001CA320275E096, 0x4001BE32DC754A96,
    0x4001B24B30402596, 0x4001A67A7E2F0196, 0x40019AC04A828A96, 0x40018F1C1D3A3E96,
    0x4001838D81ED4295, 0x4001781407A53695, 0x40016CAF40BAE095, 0x4001615EC2B4A295,
    0x4001562226268C95, 0x40014AF906940695, 0x40013FE30252EA95, 0x400134DFBA700195,
    0x400129EED294CE95, 0x40011F0FF0EE9295, 0x40011442BE167795, 0x40010986E4FAD995,
    0x4000FEDC12C99194, 0x4000F441F6DB3E94, 0x4000E9B8429F7A94, 0x4000DF3EA989F194,
    0x4000D4D4E1004794, 0x4000CA7AA048D094, 0x4000C02FA079FE94, 0x4000B5F39C6A8994,
    0x4000ABC650A24394, 0x4000A1A77B4B8A94, 0x40009796DC255C94, 0x40008D943475F794,
    0x4000839F46FE0C94, 0x400079B7D7EC7094, 0x40006FDDACD24F94, 0x400066108C97DA94,
    0x40005C503F716193, 0x4000529C8ED4E293, 0x400048F5456FF993, 0x40003F5A2F1E3993,
    0x400035CB18DFDF93, 0x40002C47D0D0E293, 0x400022D026205B93, 0x40001963E9083993,
    0x40001002EAC54B93, 0x400006ACFD8F9093, 0x3FFFFAC3E925A193, 0x3FFFE84347CEFB93,
    0x3FFFD5D7C1179E93, 0x3FFFC38100BA4793, 0x3FFFB13EB4233493, 0x3FFF9F108A63CD93,
    0x3FFF8CF63426BB93, 0x3FFF7AEF63A46793, 0x3FFF68FBCC97E093, 0x3FFF571B24342293,
    0x3FFF454D2119B793, 0x3FFF33917B4CB693, 0x3FFF21E7EC2B1493, 0x3FFF10502E634893,
    0x3FFEFEC9FDEB3E93, 0x3FFEED5517F79692, 0x3FFEDBF13AF32B92, 0x3FFECA9E2676E092,
    0x3FFEB95B9B41B292, 0x3FFEA8295B310592, 0x3FFE970729393792, 0x3FFE85F4C95E6892,
    0x3FFE74F200AD7E92, 0x3FFE63FE95356292, 0x3FFE531A4E006E92, 0x3FFE4244F30E1092,
    0x3FFE317E4D4CA092, 0x3FFE20C626936492, 0x3FFE101C499CC192, 0x3FFDFF8082009892,
    0x3FFDEEF29C2ECF92, 0x3FFDDE72656A0392, 0x3FFDCDFFABC25D92, 0x3FFDBD9A3E109492,
    0x3FFDAD41EBF10F92, 0x3FFD9CF685BF2992, 0x3FFD8CB7DC909D92, 0x3FFD7C85C2310E92,
    0x3FFD6C60091DB092, 0x3FFD5C4684811092, 0x3FFD4C39082EFB92, 0x3FFD3C3768A07D92,
    0x3FFD2C417AF00392, 0x3FFD1C5714D59092, 0x3FFD0C780CA31292, 0x3FFCFCA43940CC92,
    0x3FFCECDB7229DA92, 0x3FFCDD1D8F68CB92, 0x3FFCCD6A69945492, 0x3FFCBDC1D9CC1692,
    0x3FFCAE23B9B57A92, 0x3FFC9E8FE378A192, 0x3FFC8F0631BD6B92, 0x3FFC7F867FA88C92,
    0x3FFC7010A8D8B792, 0x3FFC60A48963D992, 0x3FFC5141FDD46892, 0x3FFC41E8E326BE92,
    0x3FFC329916C68B92, 0x3FFC2352768C4F92, 0x3FFC1414E0BAE992, 0x3FFC04E033FD3492,
    0x3FFBF5B44F63AE92, 0x3FFBE69112623392, 0x3FFBD7765CCDC092, 0x3FFBC8640EDA4892,
    0x3FFBB95A09189092, 0x3FFBAA582C741D92, 0x3FFB9B5E5A312892, 0x3FFB8C6C73EAA392,
    0x3FFB7D825B904592, 0x3FFB6E9FF364A492, 0x3FFB5FC51DFB5592, 0x3FFB50F1BE371B92,
    0x3FFB4225B7481E92, 0x3FFB3360ECAA2992, 0x3FFB24A34222F692, 0x3FFB15EC9BC07E92,
    0x3FFB073CDDD75592, 0x3FFAF893ED010F92, 0x3FFAE9F1AE1AA892, 0x3FFADB560642FB92,
    0x3FFACCC0DAD93C92, 0x3FFABE32117B7892, 0x3FFAAFA990052492, 0x3FFAA1273C8DA892,
    0x3FFA92AAFD66FB92, 0x3FFA8434B91C3F92, 0x3FFA75C456706692, 0x3FFA6759BC5CDC92,
    0x3FFA58F4D2103792, 0x3FFA4A957EECF092, 0x3FFA3C3BAA881C92, 0x3FFA2DE73CA82F92,
    0x3FFA1F981D43C292, 0x3FFA114E34805F92, 0x3FFA03096AB15192, 0x3FF9F4C9A8567C92,
    0x3FF9E68ED61B3292, 0x3FF9D858DCD51792, 0x3FF9CA27A5830092, 0x3FF9BBFB194BDC92,
    0x3FF9ADD3217D9E92, 0x3FF99FAFA78C2C92, 0x3FF9919095105292, 0x3FF98375D3C6B892,
    0x3FF9755F4D8EDC92, 0x3FF9674CEC6A1092, 0x3FF9593E9A7A7992, 0x3FF94B3442021292,
    0x3FF93D2DCD61B692, 0x3FF92F2B27182592, 0x3FF9212C39C11492, 0x3FF91330F0143A92,
    0x3FF9053934E46292, 0x3FF8F744F31E7E92, 0x3FF8E95415C8BF92, 0x3FF8DB668801AE92,
    0x3FF8CD7C34FF4392, 0x3FF8BF95080E0692, 0x3FF8B1B0EC902B92, 0x3FF8A3CFCDFCB493,
    0x3FF895F197DE9293, 0x3FF8881635D3CB93, 0x3FF87A3D938C9E93, 0x3FF86C679CCAA993,
    0x3FF85E943D601493, 0x3FF850C3612EB893, 0x3FF842F4F4274D93, 0x3FF83528E2489193,
    0x3FF8275F179E7A93, 0x3FF8199780416193, 0x3FF80BD208553293, 0x3FF7FE0E9C089993,
    0x3FF7F04D27943793, 0x3FF7E28D9739CC93, 0x3FF7D4CFD7436F93, 0x3FF7C713D402BA93,
    0x3FF7B95979CFFE93, 0x3FF7ABA0B5097793, 0x3FF79DE972127B93, 0x3FF790339D52AD93,
    0x3FF7827F23353193, 0x3FF774CBF027DD93, 0x3FF76719F09A6A93, 0x3FF7596910FDA693,
    0x3FF74BB93DC2A693, 0x3FF73E0A6359F693, 0x3FF7305C6E32CA93, 0x3FF722AF4ABA2C93,
    0x3FF71502E55A2B93, 0x3FF707572A790A93, 0x3FF6F9AC06786C94, 0x3FF6EC0165B48094,
    0x3FF6DE5734832C94, 0x3FF6D0AD5F333794, 0x3FF6C303D20B6F94, 0x3FF6B55A7949D394,
    0x3FF6A7B14122B794, 0x3FF69A0815BFE694, 0x3FF68C5EE33FC594, 0x3FF67EB595B47594,
    0x3FF6710C1922EF94, 0x3FF6636259822094, 0x3FF655B842BA0594, 0x3FF6480DC0A2BF94,
    0x3FF63A62BF03AC94, 0x3FF62CB729927894, 0x3FF61F0AEBF22E94, 0x3FF6115DF1B24494,
    0x3FF603B0264DA794, 0x3FF5F6017529C194, 0x3FF5E851C9957F94, 0x3FF5DAA10EC85195,
    0x3FF5CCEF2FE12795, 0x3FF5BF3C17E56E95, 0x3FF5B187B1C00495, 0x3FF5A3D1E8402B95,
    0x3FF5961AA6187695, 0x3FF58861D5DDB895, 0x3FF57AA76205E595, 0x3FF56CEB34E6F695,
    0x3FF55F2D38B5C795, 0x3FF5516D5784EC95, 0x3FF543AB7B438895, 0x3FF535E78DBC1795,
    0x3FF5282178933895, 0x3FF51A5925467295, 0x3FF50C8E7D2AEE95, 0x3FF4FEC1696C2F96,
    0x3FF4F0F1D30AC496, 0x3FF4E31FA2DAF196, 0x3FF4D54AC1835396, 0x3FF4C773177B7E96,
    0x3FF4B9988D0A9096, 0x3FF4ABBB0A45C296, 0x3FF49DDA770EEE96, 0x3FF48FF6BB130B96,
    0x3FF4820FBDC8A796, 0x3FF47425666E5196, 0x3FF466379C090196, 0x3FF4584645627296,
    0x3FF44A5149077697, 0x3FF43C588D463C97, 0x3FF42E5BF82C9097, 0x3FF4205B6F860E97,
    0x3FF41256D8DA4B97, 0x3FF4044E196AF497, 0x3FF3F6411631DE97, 0x3FF3E82FB3DF0B97,
    0x3FF3DA19D6D6A797, 0x3FF3CBFF632EF097, 0x3FF3BDE03CAE1697, 0x3FF3AFBC46C80E98,
    0x3FF3A193649C5298, 0x3FF3936578F39598, 0x3FF38532663D6598, 0x3FF376FA0E8DC298,
    0x3FF368BC539A9E98, 0x3FF35A7916B95198, 0x3FF34C3038DBF798, 0x3FF33DE19A8EBC98,
    0x3FF32F8D1BF51998, 0x3FF321329CC6F599, 0x3FF312D1FC4DBB99, 0x3FF3046B19615099,
    0x3FF2F5FDD264FB99, 0x3FF2E78A05443199, 0x3FF2D90F8F6F4A99, 0x3FF2CA8E4DD81D99,
    0x3FF2BC061CEE8299, 0x3FF2AD76D89CB899, 0x3FF29EE05C43B19A, 0x3FF2904282B73C9A,
    0x3FF2819D263A179A, 0x3FF272F02079D99A, 0x3FF2643B4A8AC49A, 0x3FF2557E7CE36F9A,
    0x3FF246B98F584A9A, 0x3FF237EC5917049B, 0x3FF22916B0A1C59B, 0x3FF21A386BCA3F9B,
    0x3FF20B515FAC999B, 0x3FF1FC6160AA2A9B, 0x3FF1ED684264079B, 0x3FF1DE65D7B5639B,
    0x3FF1CF59F2ADBC9C, 0x3FF1C044648AD39C, 0x3FF1B124FDB2709C, 0x3FF1A1FB8DABE99C,
    0x3FF192C7E319749C, 0x3FF18389CBB1349C, 0x3FF1744114360D9D, 0x3FF164ED88702C9D,
    0x3FF1558EF3254F9D, 0x3FF146251E10C09D, 0x3FF136AFD1DB039D, 0x3FF1272ED611309E,
    0x3FF117A1F11BFF9E, 0x3FF10808E836739E, 0x3FF0F8637F642E9E, 0x3FF0E8B179675D9E,
    0x3FF0D8F297B6459F, 0x3FF0C9269A705D9F, 0x3FF0B94D4052FB9F, 0x3FF0A96646AD889F,
    0x3FF0997169553A9F, 0x3FF0896E62984980, 0x3FF0795CEB309880, 0x3FF0693CBA35D380,
    0x3FF0590D850EEC80, 0x3FF048CEFF62FF81, 0x3FF03880DB098881, 0x3FF02822C7F9E881,
    0x3FF017B4743A2C81, 0x3FF007358BCD1081, 0x3FEFED4B713E5F81, 0x3FEFCC0944E6AD81,
    0x3FEFAAA3DD9BD781, 0x3FEF891A81BEC082, 0x3FEF676C72DB3982, 0x3FEF4598ED78AF82,
    0x3FEF239F28E88D82, 0x3FEF017E57123182, 0x3FEEDF35A43C5082, 0x3FEEBCC436D39D83,
    0x3FEE9A292F2E8D83, 0x3FEE7763A74E0183, 0x3FEE5472B29AB183, 0x3FEE31555D9F1983,
    0x3FEE0E0AADBDB183, 0x3FEDEA91A0E33684, 0x3FEDC6E92D34BD84, 0x3FEDA31040B94C84,
    0x3FED7F05C0FEA684, 0x3FED5AC88AB8FF84, 0x3FED3657715D3985, 0x3FED11B13EB54685,
    0x3FECECD4B26E4A85, 0x3FECC7C081A00785, 0x3FECA273564D1C85, 0x3FEC7CEBCEDB8586,
    0x3FEC57287D84D986, 0x3FEC3127E7BD9586, 0x3FEC0AE88592D186, 0x3FEBE468C0FDA087,
    0x3FEBBDA6F52B4687, 0x3FEB96A16DB96587, 0x3FEB6F5665E52788, 0x3FEB47C407AC5588,
    0x3FEB1FE86ADF3088, 0x3FEAF7C19421C289, 0x3FEACF4D73DB3E89, 0x3FEAA689E511E289,
    0x3FEA7D74AC319D8A, 0x3FEA540B75BB998A, 0x3FEA2A4BD4DC8C8A, 0x3FEA003341E7788B,
    0x3FE9D5BF18B2498B, 0x3FE9AAEC96D1698B, 0x3FE97FB8D9AF158C, 0x3FE95420DC7AE48C,
    0x3FE9282175ED728D, 0x3FE8FBB755DBBD8D, 0x3FE8CEDF02951F8E, 0x3FE8A194D606408E,
    0x3FE873D4FA9A948F, 0x3FE8459B67D5308F, 0x3FE816E3DE98C370, 0x3FE7E7A9E5156A70,
    0x3FE7B7E8C251CD71, 0x3FE7879B79437571, 0x3FE756BCC3688B71, 0x3FE725470AD33A72,
    0x3FE6F33463946C72, 0x3FE6C07E8470F873, 0x3FE68D1EBEC8E173, 0x3FE6590DF5947673,
    0x3FE6244493567074, 0x3FE5EEBA7EDC9A74, 0x3FE5B8670EA1DC75, 0x3FE58140FA9C8575,
    0x3FE5493E4C39E276, 0x3FE510544C3C5576, 0x3FE4D6776E22B177, 0x3FE49B9B38ADBD78,
    0x3FE45FB22B02B778, 0x3FE422AD9DCE5779, 0x3FE3E47D9FA9677A, 0x3FE3A510CBD4D87B,
    0x3FE364541A2C407C, 0x3FE32232A6E76C7D, 0x3FE2DE957069067E, 0x3FE2996308E2547F,
    0x3FE2527F38F93060, 0x3FE209CA8FCF9461, 0x3FE1BF21DBB87762, 0x3FE1725D856F3063,
    0x3FE12350C5A43264, 0x3FE0D1C8A9E4AD65, 0x3FE07D8AD9EC1266, 0x3FE0265408BAAD67,
    0x3FDF97ABE8E49068, 0x3FDEDB6996FA5F6A, 0x3FDE170774DA576C, 0x3FDD49809025AF6E,
    0x3FDC7197EA12B851, 0x3FDB8DC68716B652, 0x3FDA9C2182CE8854, 0x3FD99A33661A6C56,
    0x3FD884C044C89A59, 0x3FD75764A672195D, 0x3FD60BEEEFA56841, 0x3FD4992C23B20C45,
    0x3FD2F07865FF524B, 0x3FD0F818F7FBF033, 0x3FCCF65F77ACFE20, 0x3FC5D03E58CEAB00,
    0x0000000000000000,
};

static const double exp_table[64] = {
    0x1p+0,    0x1.02c9a3e778061p+0,    0x1.059b0d3158574p+0,    0x1.0874518759bc8p+0,
    0x1.0b5586cf9890fp+0,    0x1.0e3ec32d3d1a2p+0,    0x1.11301d0125b51p+0,    0x1.1429aaea92dep+0,
    0x1.172b83c7d517bp+0,    0x1.1a35beb6fcb75p+0,    0x1.1d4873168b9aap+0,    0x1.2063b88628cd6p+0,
    0x1.2387a6e756238p+0,    0x1.26b4565e27cddp+0,    0x1.29e9df51fdee1p+0,    0x1.2d285a6e4030bp+0,
    0x1.306fe0a31b715p+0,    0x1.33c08b26416ffp+0,    0x1.371a7373aa9cbp+0,    0x1.3a7db34e59ff7p+0,
    0x1.3dea64c123422p+0,    0x1.4160a21f72e2ap+0,    0x1.44e086061892dp+0,    0x1.486a2b5c13cdp+0,
    0x1.4bfdad5362a27p+0,    0x1.4f9b2769d2ca7p+0,    0x1.5342b569d4f82p+0,    0x1.56f4736b527dap+0,
    0x1.5ab07dd485429p+0,    0x1.5e76f15ad2148p+0,    0x1.6247eb03a5585p+0,    0x1.6623882552225p+0,
    0x1.6a09e667f3bcdp+0,    0x1.6dfb23c651a2fp+0,    0x1.71f75e8ec5f74p+0,    0x1.75feb564267c9p+0,
    0x1.7a11473eb0187p+0,    0x1.7e2f336cf4e62p+0,    0x1.82589994cce13p+0,    0x1.868d99b4492edp+0,
    0x1.8ace5422aa0dbp+0,    0x1.8f1ae99157736p+0,    0x1.93737b0cdc5e5p+0,    0x1.97d829fde4e5p+0,
    0x1.9c49182a3f09p+0,    0x1.a0c667b5de565p+0,    0x1.a5503b23e255dp+0,    0x1.a9e6b5579fdbfp+0,
    0x1.ae89f995ad3adp+0,    0x1.b33a2b84f15fbp+0,    0x1.b7f76f2fb5e47p+0,    0x1.bcc1e904bc1d2p+0,
    0x1.c199bdd85529cp+0,    0x1.c67f12e57d14bp+0,    0x1.cb720dcef9069p+0,    0x1.d072d4a07897cp+0,
    0x1.d5818dcfba487p+0,    0x1.da9e603db3285p+0,    0x1.dfc97337b9b5fp+0,    0x1.e502ee78b3ff6p+0,
    0x1.ea4afa2a490dap+0,    0x1.efa1bee615a27p+0,    0x1.f50765b6e454p+0,    0x1.fa7c1819e90d8p+0,
};

const uint64_t *const frg_ziggurat_table = ziggurat;

// Draws per vectorized block (the slow-path passes need enough rejected draws to fill lanes).
#define FRG_BLOCK 1024

#if defined(__x86_64__) && defined(__linux__)
// One clone per instruction-set level, chosen when the program loads (GNU ifunc).
#define FRG_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define FRG_CLONES
#endif

static inline __attribute__((always_inline)) double exp_body(double x) {
    const double magic = 6755399441055744.0;  // 1.5 · 2⁵²: rounds to an integer in the low bits
    double shifted = fma(x, 64 * 1.4426950408889634, magic);
    double k = shifted - magic;
    double r = fma(k, -2.5728046223276688e-14, fma(k, -0.010830424696223417, x));
    double p = fma(1.0 / 120, r, 1.0 / 24);
    p = fma(p, r, 1.0 / 6);
    p = fma(p, r, 0.5);
    p = fma(p, r, 1);
    p = fma(p, r, 1);
    uint64_t bits;
    __builtin_memcpy(&bits, &shifted, sizeof bits);
    // The low bits of `shifted` hold k + 2⁵¹ in two's complement: j = k mod 64, m = k div 64.
    uint64_t scale_bits = ((bits >> 6) + 1023) << 52;
    double scale;
    __builtin_memcpy(&scale, &scale_bits, sizeof scale);
    return p * exp_table[bits & 63] * scale;
}

/// The private continuation of a draw that left the ziggurat's fast region: the SplitMix64
/// sequence `mix64(start + n·γ)`, n = 1, 2, …, from `start = mix64(slow_key + γ·counter)`, with
/// `slow_key = mix64(key ⊕ 0x9E3779B97F4A7C15)` — a hash, so it shares no structure with the
/// main counters.
static inline uint64_t frg_slow_key(uint64_t key) { return frg_mix64(key ^ 0x9E3779B97F4A7C15ULL); }

static inline uint64_t slow_start(uint64_t slow_key, uint64_t counter) {
    return frg_mix64(slow_key + FRG_GAMMA * counter);
}

typedef struct { uint64_t state; } slow_stream;

static inline double slow_uniform(slow_stream *s) {
    s->state += FRG_GAMMA;
    return frg_unit_interval(frg_mix64(s->state));
}

double frg_normal_slow(uint64_t key, uint64_t counter, double u, unsigned layer) {
    slow_stream s = { slow_start(frg_slow_key(key), counter) };
    const uint64_t *t = ziggurat;
    for (;;) {
        if (layer == 0) {
            // The base strip: its rectangle part |x| < r (draws between the packed threshold and
            // r/x[0] arrive here), else the tail beyond r (Marsaglia 1964).
            double x0 = u * frg_ziggurat_edge(t[0]);
            if ((x0 < 0 ? -x0 : x0) < ZIGGURAT_R) return x0;
            double x, y;
            do {
                x = log(slow_uniform(&s)) / ZIGGURAT_R;
                y = log(slow_uniform(&s));
            } while (-2 * y < x * x);
            return u < 0 ? x - ZIGGURAT_R : ZIGGURAT_R - x;
        }
        // Wedge of layer `layer`: accept x if a uniform height between f(x[layer]) and
        // f(x[layer+1]) lies below f(x) (all three divided by f(x)). Draws between the packed
        // threshold and x[layer+1]/x[layer] land here too and are always accepted (f1 < 1).
        double xl = frg_ziggurat_edge(t[layer]), xn = frg_ziggurat_edge(t[layer + 1]);
        double x = u * xl;
        double f0 = exp_body(-0.5 * (xl * xl - x * x));
        double f1 = exp_body(-0.5 * (xn * xn - x * x));
        if (f1 + slow_uniform(&s) * (f0 - f1) < 1.0) return x;
        // Rejected: a new candidate from the private sequence.
        s.state += FRG_GAMMA;
        uint64_t bits = frg_mix64(s.state);
        layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
        u = frg_abscissa(bits);
        double a = u < 0 ? -u : u;
        if (a < frg_ziggurat_threshold(t[layer])) return u * frg_ziggurat_edge(t[layer]);
    }
}

/// Fast-path normals for `count` ≤ FRG_BLOCK consecutive draws starting at `counter`, then the slow
/// path for the rejected ones. Each pass is a branch-free loop that every clone vectorizes:
/// (1) the fast region for all draws; (2) the indices of the 0.8 % rejected ones; (3) for those,
/// the wedge test and, if it fails, the fast test of the next candidate, which together settle
/// all but ≈ 1e-4 of draws; (4) what is left (the tail, rare double rejections) through
/// `frg_normal_slow`, which repeats the same steps in the same order and goes on.
static inline __attribute__((always_inline))
void normals_block(uint64_t key, uint64_t slow_key, uint64_t counter, size_t count, double *restrict out) {
    uint64_t rejected[FRG_BLOCK / 64];  // bit b of word g: draw 64g + b left the fast region
    unsigned index[FRG_BLOCK];
    unsigned char again[FRG_BLOCK];
    double value[FRG_BLOCK];
    uint64_t any = 0;
    uint64_t base = key + FRG_GAMMA * counter;
    uint64_t state = base;  // base + γ·j, as an induction variable (no multiply per draw)
    for (size_t g = 0; g < count; g += 64) {
        size_t n = count - g < 64 ? count - g : 64;
        uint64_t mask = 0;
        for (size_t b = 0; b < n; b++, state += FRG_GAMMA) {
            uint64_t bits = frg_mix64(state);
            unsigned layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
            double u = frg_abscissa(bits);
            double a = u < 0 ? -u : u;
            uint64_t entry = ziggurat[layer];  // one gather: edge and threshold
            uint64_t r = !(a < frg_ziggurat_threshold(entry));
            out[g + b] = u * frg_ziggurat_edge(entry);
            mask |= r << b;
        }
        rejected[g / 64] = mask;
        any |= mask;
    }
    if (!any) return;
    size_t m = 0;
    for (size_t g = 0; g < count; g += 64) {
        uint64_t mask = rejected[g / 64];
        while (mask) {
            index[m++] = (unsigned)(g + (size_t)__builtin_ctzll(mask));
            mask &= mask - 1;
        }
    }
    unsigned more = 0;
    for (size_t t = 0; t < m; t++) {
        uint64_t j = index[t];
        uint64_t bits = frg_mix64(base + FRG_GAMMA * j);
        unsigned layer = (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1));
        double u = frg_abscissa(bits);
        double xl = frg_ziggurat_edge(ziggurat[layer]), xn = frg_ziggurat_edge(ziggurat[layer + 1]);
        double x = u * xl;
        double f0 = exp_body(-0.5 * (xl * xl - x * x));
        double f1 = exp_body(-0.5 * (xn * xn - x * x));
        uint64_t start = slow_start(slow_key, counter + j);
        double uniform = frg_unit_interval(frg_mix64(start + FRG_GAMMA));  // slow_uniform's first
        unsigned char wedge = (layer != 0) & (f1 + uniform * (f0 - f1) < 1.0);
        // After a wedge rejection the next candidate is the private sequence's second word.
        uint64_t bits2 = frg_mix64(start + 2 * FRG_GAMMA);
        unsigned layer2 = (unsigned)(bits2 & (FRG_ZIGGURAT_LAYERS - 1));
        double u2 = frg_abscissa(bits2);
        double a2 = u2 < 0 ? -u2 : u2;
        uint64_t entry2 = ziggurat[layer2];
        unsigned char fast2 = (layer != 0) & (a2 < frg_ziggurat_threshold(entry2));
        value[t] = wedge ? x : u2 * frg_ziggurat_edge(entry2);
        again[t] = !(wedge | fast2);
        more |= again[t];
    }
    for (size_t t = 0; t < m; t++) {
        if (!again[t]) out[index[t]] = value[t];
    }
    if (!more) return;
    for (size_t t = 0; t < m; t++) {
        if (again[t]) {
            uint64_t j = index[t];
            uint64_t bits = frg_mix64(base + FRG_GAMMA * j);
            out[j] = frg_normal_slow(key, counter + j, frg_abscissa(bits), (unsigned)(bits & (FRG_ZIGGURAT_LAYERS - 1)));
        }
    }
}

static inline __attribute__((always_inline))
void normals_body(uint64_t key, uint64_t stream, uint64_t first, size_t count, double *out) {
    uint64_t counter = frg_counter(stream, first);
    uint64_t slow_key = frg_slow_key(key);
    for (size_t done = 0; done < count; done += FRG_BLOCK) {
        size_t n = count - done < FRG_BLOCK ? count - done : FRG_BLOCK;
        normals_block(key, slow_key, counter + done, n, out + done);
    }
}

FRG_CLONES
void frg_normals(uint64_t key, uint64_t stream, uint64_t first, size_t count, double *out) {
    normals_body(key, stream, first, count, out);
}

FRG_CLONES
void frg_exp_array(const double *restrict x, double *restrict y, size_t count) {
    for (size_t i = 0; i < count; i++) y[i] = exp_body(x[i]);
}

/// The direct network's neuron loop over W0 = z[i], b0 = z[capacity + i], W1 = z[2·capacity + i]
/// (unscaled). Inlined with a constant `points` for the common point counts, so the 8-lane
/// accumulators live in registers.
static inline __attribute__((always_inline))
void direct_sum(const double *restrict z, size_t capacity, int points, double x0, double h,
                double weight_scale, double bias_scale, double readout_scale, double shift,
                double *restrict acc) {
    // Eight neurons per step as one 8-lane vector (GNU vector extension: each clone lowers it to
    // its own registers — one zmm, two ymm or four xmm — with the same arithmetic).
    typedef double lanes8 __attribute__((vector_size(64), aligned(8)));
    lanes8 sums[FRG_DIRECT_MAX_POINTS];
    for (int p = 0; p < points; p++) sums[p] = (lanes8){0};
    for (size_t block = 0; block < capacity; block += 8) {
        double cs[8], rs[8];
        for (int l = 0; l < 8; l++) {
            size_t i = block + (size_t)l;
            double w = weight_scale * z[i];
            double b = fma(bias_scale, z[capacity + i], -shift);
            double a = readout_scale * z[2 * capacity + i];
            cs[l] = a * exp_body(fma(w, x0, b));
            rs[l] = exp_body(w * h);
        }
        lanes8 c, r;
        __builtin_memcpy(&c, cs, sizeof c);
        __builtin_memcpy(&r, rs, sizeof r);
        for (int p = 0; p < points; p++) {
            sums[p] += c;
            c *= r;
        }
    }
    for (int p = 0; p < points; p++) __builtin_memcpy(acc + 8 * p, &sums[p], sizeof sums[p]);
}

#define DIRECT_CASE(n)                                                                             \
    case n: {                                                                                      \
        double local[8 * n];                                                                       \
        direct_sum(z, capacity, n, x0, h, weight_scale, bias_scale, readout_scale, shift, local);  \
        for (int k = 0; k < 8 * n; k++) acc[k] = local[k];                                         \
        break;                                                                                     \
    }

FRG_CLONES
void frg_gaussnet_direct(uint64_t key, uint64_t stream, uint64_t first, int width, int points,
                         double x0, double h, double weight_scale, double bias_scale,
                         double readout_scale, double shift, double *scratch, double *field) {
    size_t capacity = ((size_t)width + 7) & ~(size_t)7;
    double *restrict z = scratch;
    double *restrict acc = scratch + 3 * capacity;
    // W0, b0 and W1 of all neurons, each block padded to `capacity` with zeros: a padding neuron
    // has W1 = 0 and adds exactly 0.
    for (int part = 0; part < 3; part++) {
        double *block = z + (size_t)part * capacity;
        normals_body(key, stream, first + (uint64_t)part * (uint64_t)width, (size_t)width, block);
        for (size_t i = (size_t)width; i < capacity; i++) block[i] = 0;
    }
    switch (points) {
        DIRECT_CASE(1) DIRECT_CASE(2) DIRECT_CASE(3) DIRECT_CASE(4)
        DIRECT_CASE(5) DIRECT_CASE(6) DIRECT_CASE(7) DIRECT_CASE(8)
    default:
        direct_sum(z, capacity, points, x0, h, weight_scale, bias_scale, readout_scale, shift, acc);
    }
    for (int p = 0; p < points; p++) {
        const double *a = acc + 8 * p;
        field[p] = ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
    }
}

// ---- The importance estimator ----

/// Eight doubles as one vector (GNU vector extension; each clone lowers it to its own registers).
typedef double lanes8 __attribute__((vector_size(64), aligned(8)));

/// Coefficients of the Bernoulli cumulants: c_k(w) = Σ_{j<k} bernoulli[k][j] w^{j+1}
/// (bernoulli[k][j] = (−1)^j j! S(k, j+1), S the Stirling numbers of the second kind).
static const double bernoulli[7][6] = {
    {0}, {1}, {1, -1}, {1, -3, 2}, {1, -7, 12, -6}, {1, -15, 50, -60, 24}, {1, -31, 180, -390, 360, -120},
};

double frg_bernoulli_cumulant(int k, double w) {
    double q = bernoulli[k][k - 1];
    for (int j = k - 2; j >= 0; j--) q = q * w + bernoulli[k][j];
    return q * w;
}

/// c_1(w) … c_6(w) on eight lanes (the same operations as `frg_bernoulli_cumulant`). Vectors go
/// by pointer: passing 8-lane vectors by value has a different ABI in each clone.
static inline __attribute__((always_inline)) void bernoulli_cumulants(const lanes8 *w, lanes8 *c) {
    for (int k = 1; k <= 6; k++) {
        lanes8 q = (lanes8){0} + bernoulli[k][k - 1];
        for (int j = k - 2; j >= 0; j--) q = q * *w + bernoulli[k][j];
        c[k] = q * *w;
    }
}

static inline __attribute__((always_inline)) double fold8(const lanes8 *v) {
    const double *a = (const double *)v;
    return ((a[0] + a[1]) + (a[2] + a[3])) + ((a[4] + a[5]) + (a[6] + a[7]));
}

FRG_CLONES
uint64_t frg_importance_draw(uint64_t key, uint64_t stream, uint64_t first, int width, int dim,
                             const frg_importance_params *params, double *normals, uint64_t *index, size_t capacity,
                             double *w0, double *beta, double *z) {
    size_t n = (size_t)width, d = (size_t)dim;
    uint64_t position = first;
    normals_body(key, stream, position, n * d, normals);
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < d; j++) w0[j * capacity + i] = params->weight_scale * normals[i * d + j];
    }
    position += n * d;
    normals_body(key, stream, position, n, normals);
    position += n;
    // Components: one uniform each; index[i] = 4 · (offset of neuron i's first z normal) + component.
    uint64_t count = 0;
    for (size_t i = 0; i < n; i++) {
        double u = frg_uniform(key, stream, position + i);
        int c = (u >= params->threshold[0]) + (u >= params->threshold[1]) + (u >= params->threshold[2]);
        beta[i] = fma(params->bias_scale, normals[i], params->centre[c]);
        index[i] = (count << 2) | (uint64_t)c;
        count += (uint64_t)(2 * c + 1);
    }
    position += n;
    normals_body(key, stream, position, (size_t)count, normals);
    for (size_t j = 0; j < 6; j++) normals[count + j] = 0;  // read (masked) past the last neuron's normals
    position += count;
    // |z|² = the sum of the 2c + 1 squared normals of the neuron (χ² with k + 1 degrees of freedom),
    // the sign that of the first, which is independent of the sum; c = 0: z is the first normal.
    // Branch free (the components are random, branches on them mispredict): the terms past 2c are
    // multiplied by an exact 0 and add exact zeros.
    for (size_t i = 0; i < n; i++) {
        uint64_t offset = index[i] >> 2;
        int c = (int)(index[i] & 3);
        const double *v = normals + offset;
        double s = v[0] * v[0];
        for (int j = 1; j < 7; j++) s += (v[j] * v[j]) * (double)(j <= 2 * c);
        double lead = v[0];
        double tilted = copysign(__builtin_sqrt(s), lead);
        double keep = (double)(c == 0);
        z[i] = keep * lead + (1 - keep) * tilted;
    }
    for (size_t i = n; i < capacity; i++) {
        for (size_t j = 0; j < d; j++) w0[j * capacity + i] = 0;
        beta[i] = 0;
        z[i] = 0;
    }
    return position - first;
}

#define FRG_IMPORTANCE_MAX_POINTS 12

FRG_CLONES
void frg_importance_powers(size_t capacity, int points, double x0, double h, const frg_importance_params *params,
                           const double *w0, const double *beta, const double *z, double *kappa, size_t stride) {
    lanes8 acc[21 * (FRG_IMPORTANCE_MAX_POINTS - 1) + 6], power[6 * (FRG_IMPORTANCE_MAX_POINTS - 1) + 1];
    size_t columns = frg_importance_power_columns(points);
    for (size_t c = 0; c < columns; c++) acc[c] = (lanes8){0};
    int count[7];
    size_t offset[8];
    offset[1] = 0;
    for (int k = 1; k <= 6; k++) {
        count[k] = k * (points - 1) + 1;
        offset[k + 1] = offset[k] + (size_t)count[k];
    }
    for (size_t block = 0; block < capacity; block += 8) {
        double es[8], rs[8], ws[8];
        for (int l = 0; l < 8; l++) {
            size_t i = block + (size_t)l;
            double b = beta[i], zz = z[i], w = w0[i];
            ws[l] = frg_importance_weight(params, zz * exp_body(b));
            es[l] = params->readout_scale * zz * exp_body(fma(w, x0, b));
            rs[l] = exp_body(w * h);
        }
        lanes8 e, r, wt, g[7], c[7];
        __builtin_memcpy(&e, es, sizeof e);
        __builtin_memcpy(&r, rs, sizeof r);
        __builtin_memcpy(&wt, ws, sizeof wt);
        bernoulli_cumulants(&wt, c);
        lanes8 ek = e;
        g[1] = c[1] * e;
        for (int k = 2; k <= 6; k++) {
            ek *= e;
            g[k] = c[k] * ek;
        }
        // r^m for m = 0 … 6(P − 1) in four interleaved chains (r^m = r^{m−4} r⁴: a quarter of the
        // latency of one chain), then one clean loop per order k.
        power[0] = (lanes8){0} + 1.0;
        power[1] = r;
        power[2] = r * r;
        power[3] = power[2] * r;
        lanes8 r4 = power[2] * power[2];
        for (int m = 4; m < count[6]; m++) power[m] = power[m - 4] * r4;
        for (int k = 1; k <= 6; k++) {
            lanes8 gk = g[k], *a = acc + offset[k];
            for (int m = 0; m < count[k]; m++) a[m] += gk * power[m];
        }
    }
    for (size_t c = 0; c < columns; c++) kappa[c * stride] = fold8(&acc[c]);
}

FRG_CLONES
void frg_importance_products(size_t capacity, int points, int dim, const double *inputs,
                             const frg_importance_params *params, const double *w0, const double *beta,
                             const double *z, size_t blocks, const int32_t *parent, const int32_t *last,
                             const int32_t *size, double *work, double *kappa, size_t stride) {
    lanes8 *prod = (lanes8 *)work, *acc = prod + blocks, *phi = acc + blocks;
    double *phiLanes = (double *)phi;
    for (size_t b = 0; b < blocks; b++) acc[b] = (lanes8){0};
    for (size_t block = 0; block < capacity; block += 8) {
        double ws[8];
        for (int l = 0; l < 8; l++) {
            size_t i = block + (size_t)l;
            double bb = beta[i], zz = z[i];
            ws[l] = frg_importance_weight(params, zz * exp_body(bb));
            double amplitude = params->readout_scale * zz;
            for (int p = 0; p < points; p++) {
                double a = bb;
                for (int j = 0; j < dim; j++) a = fma(w0[(size_t)j * capacity + i], inputs[p * dim + j], a);
                phiLanes[8 * p + l] = amplitude * exp_body(a);
            }
        }
        lanes8 wt, c[7];
        __builtin_memcpy(&wt, ws, sizeof wt);
        bernoulli_cumulants(&wt, c);
        for (size_t b = 0; b < blocks; b++) {
            lanes8 v = phi[last[b]];
            if (parent[b] >= 0) v = prod[parent[b]] * v;
            prod[b] = v;
            acc[b] += c[size[b]] * v;
        }
    }
    for (size_t b = 0; b < blocks; b++) kappa[b * stride] = fold8(&acc[b]);
}

FRG_CLONES
void frg_importance_recursion(size_t multisets, const int32_t *start, const int32_t *column, const int32_t *rest,
                              const double *coefficient, const double *kappa, double *tuple, size_t outputs,
                              const int32_t *output, double *sums) {
    // Two 8-lane halves per multiset: two independent chains of additions (the latency of one
    // would bound the loop), each lane's operations in the same order.
    const lanes8 *K = (const lanes8 *)kappa;
    lanes8 *T = (lanes8 *)tuple, *S = (lanes8 *)sums;
    T[0] = (lanes8){0} + 1.0;
    T[1] = T[0];
    for (size_t t = 1; t < multisets; t++) {
        lanes8 a0 = (lanes8){0}, a1 = (lanes8){0};
        for (int32_t o = start[t]; o < start[t + 1]; o++) {
            const lanes8 *k = K + 2 * (size_t)column[o], *r = T + 2 * (size_t)rest[o];
            double c = coefficient[o];
            a0 += (k[0] * r[0]) * c;
            a1 += (k[1] * r[1]) * c;
        }
        T[2 * t] = a0;
        T[2 * t + 1] = a1;
    }
    for (size_t o = 0; o < outputs; o++) {
        S[2 * o] += T[2 * (size_t)output[o]];
        S[2 * o + 1] += T[2 * (size_t)output[o] + 1];
    }
}

// ---- Activation networks (ReLU, erf, tanh) ----

// Coefficient tables printed by scripts/generate-erf-coefficients (exact literals, so they do not
// depend on the machine's libm). Its report:
// P: degree 15, max relative error of the rounded polynomial 1.67e-16
// erfc(x) < 2^-54 (erf rounds to ±1) from x = 5.92158719579451
#define ERF_ONE 0x1.7afb48dc96627p+2
// Q on [1, 5.9216]: degree 22, max |e^(-x^2) error| 0.17 · 2^-53
// T: degree 20, max relative error 1.53e-16
static const double tanh_t[21] = {
    0x1.0000000000000p+0, -0x1.5555555555555p-2, 0x1.1111111111111p-3, -0x1.ba1ba1ba1b9e3p-5, 0x1.664f4882c034ep-6, -0x1.226e355e4b959p-7, 0x1.d6d3d0dadc6d7p-9, -0x1.7da363ddbc270p-10, 0x1.35581e6d7dbb4p-11, -0x1.f57cfcf23ca8cp-13, 0x1.967a6199f2d50p-14, -0x1.4966e5399fbe4p-15, 0x1.0aa5ab7379dafp-16, -0x1.adab5e4d68d88p-18, 0x1.54c91f3f8b39ap-19, -0x1.035a81dddb6e5p-20, 0x1.69a6b77f9438ep-22, -0x1.af2c0f50e22bdp-24, 0x1.8f97fe06b809bp-26, -0x1.f256fb0c13394p-29, 0x1.33710ab154cbbp-32,
};
static const double erf_p[16] = {
    0x1.20dd750429b6dp+0, -0x1.812746b0379e7p-2, 0x1.ce2f21a042be2p-4, -0x1.b82ce31288b51p-6, 0x1.565bcd0e6a530p-8, -0x1.c02db400406a3p-11, 0x1.f9a326f9a7769p-14, -0x1.f4d25c3b729a6p-17, 0x1.b9e6c9944bd7ep-20, -0x1.5f74291398641p-23, 0x1.fcc4c8ec29638p-27, -0x1.51cfe00be885fp-30, 0x1.9df7fd0b39a12p-34, -0x1.d332e777f7344p-38, 0x1.cf915d8f3c685p-42, -0x1.3aa422cc5d833p-46,
};
static const double erf_q[23] = {  // powers of s = |x| − 1.5
    0x1.494daffa2ad68p-2, -0x1.4f1988444caf8p-3, 0x1.37ea271bc545ep-4, -0x1.0dc51d2941d21p-5, 0x1.b65944f357dd5p-7, -0x1.513ed7601e9bep-8, 0x1.ee705e6f1f25bp-10, -0x1.5b0abfdb9697ap-11, 0x1.d4509e09ac5e8p-13, -0x1.30c0f0188fc0dp-14, 0x1.7f99614e7cc8ep-16, -0x1.d41440a3dd5d4p-18, 0x1.156c36c43c612p-19, -0x1.401901808e72fp-21, 0x1.6836ba86c5eb6p-23, -0x1.8af62394df6c8p-25, 0x1.a054f1b3f8a56p-27, -0x1.962733d858799p-29, 0x1.57c8d10c6a12fp-31, -0x1.d12ee3bed89dap-34, 0x1.c83f618b2e994p-37, -0x1.1a2a3a1b9a78cp-40, 0x1.46309e3019e7cp-45,
};

static inline __attribute__((always_inline)) double erf_body(double x) {
    double ax = __builtin_fabs(x);
    // |x| < 1: x · P(x²).
    double t = x * x;
    double p = erf_p[15];
    for (int k = 14; k >= 0; k--) p = fma(p, t, erf_p[k]);
    double small = x * p;
    // 1 ≤ |x| < ERF_ONE: 1 − e^{−x²} Q(|x| − 1.5), one polynomial for the whole range (no table
    // gathers); c clamped into [1, ERF_ONE] so that every lane stays finite.
    double c = ax < ERF_ONE ? ax : ERF_ONE;
    c = c < 1 ? 1 : c;
    double s = c - 1.5;
    double q = erf_q[22];
    for (int k = 21; k >= 0; k--) q = fma(q, s, erf_q[k]);
    double hi = c * c;
    double lo = fma(c, c, -hi);  // c² = hi + lo exactly; e^{−c²} = e^{−hi}(1 − lo) to O(lo²)
    double e = exp_body(-hi) * q;
    e = fma(-e, lo, e);
    double large = __builtin_copysign(1.0 - e, x);
    double far = ax >= ERF_ONE ? __builtin_copysign(1.0, x) : x;  // x itself only for NaN
    return ax < 1 ? small : (ax < ERF_ONE ? large : far);
}

static inline __attribute__((always_inline)) double tanh_body(double x) {
    double ax = __builtin_fabs(x);
    double t = x * x;
    double p = tanh_t[20];
    for (int k = 19; k >= 0; k--) p = fma(p, t, tanh_t[k]);
    double small = x * p;
    double c = ax < 20 ? ax : 20;  // tanh(20) = 1 − 8e-18 rounds to 1, and e^{40} is finite
    double large = __builtin_copysign(1.0 - 2.0 / (exp_body(2 * c) + 1.0), x);
    return ax < 1 ? small : (ax == ax ? large : x);
}

static inline __attribute__((always_inline)) double activation_body(int activation, double z) {
    switch (activation) {
    case FRG_ACTIVATION_RELU: return z > 0 ? z : 0.0;
    case FRG_ACTIVATION_ERF: return erf_body(z);
    default: return tanh_body(z);
    }
}

double frg_erf(double x) { return erf_body(x); }

double frg_tanh(double x) { return tanh_body(x); }

FRG_CLONES
void frg_activation_array(int activation, const double *restrict x, double *restrict y, size_t count) {
    switch (activation) {
    case FRG_ACTIVATION_RELU:
        for (size_t i = 0; i < count; i++) y[i] = x[i] > 0 ? x[i] : 0.0;
        break;
    case FRG_ACTIVATION_ERF:
        for (size_t i = 0; i < count; i++) y[i] = erf_body(x[i]);
        break;
    default:
        for (size_t i = 0; i < count; i++) y[i] = tanh_body(x[i]);
    }
}

double frg_smooth_line(int activation, int n, const double *alpha, const double *beta, int cut_count,
                       const double *cuts, const double *nodes, const double *weights) {
    double total = 0;
    for (int j = 0; j + 1 < cut_count; j++) {
        double lower = cuts[j], upper = cuts[j + 1];
        if (!(upper > lower)) continue;
        double half = (upper - lower) / 2, middle = (upper + lower) / 2, panel = 0;
        for (int k = 0; k < 16; k++) {
            double t = middle + half * nodes[k];
            double product = weights[k] * exp(-t * t / 2);
            for (int a = 0; a < n; a++) {
                double z = alpha[a] + beta[a] * t;
                product *= activation == FRG_ACTIVATION_ERF ? erf_body(z) : tanh_body(z);
            }
            panel += product;
        }
        total += panel * half;
    }
    return total;
}

#define FRG_ACTIVATION_CHUNK 512

/// The neuron loop of `frg_activation_direct` for one activation (a constant after inlining, so
/// each loop is branch free): chunks of 64 neurons, their normals drawn at their fixed indices.
static inline __attribute__((always_inline))
void activation_sum(int activation, uint64_t key, uint64_t stream, uint64_t first, int width, int points,
                    int dim, const double *restrict inputs, double weight_scale, double bias_scale,
                    double readout_scale, lanes8 *restrict sums) {
    size_t n = (size_t)width, d = (size_t)dim;
    // Chunks of up to 512 neurons (at most 4096 W0 components): long enough for the vectorized
    // normals to run at full rate, small enough for the stack.
    size_t chunk = 4096 / d < FRG_ACTIVATION_CHUNK ? 4096 / d : FRG_ACTIVATION_CHUNK;
    chunk &= ~(size_t)7;
    double w0[4096], b0[FRG_ACTIVATION_CHUNK], w1[FRG_ACTIVATION_CHUNK];
    double zs[FRG_ACTIVATION_CHUNK];
    for (int p = 0; p < points; p++) sums[p] = (lanes8){0};
    for (size_t start = 0; start < n; start += chunk) {
        size_t m = n - start < chunk ? n - start : chunk;
        size_t padded = (m + 7) & ~(size_t)7;
        normals_body(key, stream, first + start * d, m * d, w0);
        // σ_b = 0 (ReLU-net at HMS's setting): b0 = 0·z is ±0 whatever z is, and ±0 gives the same
        // field bits (a −0 can only reach σ's argument as an exact zero, whose term adds ±0 to a
        // lane), so its normals are not drawn; the stream positions of W0 and W1 do not move.
        if (bias_scale != 0) {
            normals_body(key, stream, first + n * d + start, m, b0);
        } else {
            for (size_t i = 0; i < m; i++) b0[i] = 0;
        }
        normals_body(key, stream, first + n * (d + 1) + start, m, w1);
        // Padding neurons have W1 = 0 and add exactly 0.
        for (size_t i = m; i < padded; i++) { b0[i] = 0; w1[i] = 0; }
        for (size_t i = m * d; i < padded * d; i++) w0[i] = 0;
        for (size_t i = 0; i < padded; i++) {
            b0[i] *= bias_scale;
            w1[i] *= readout_scale;
        }
        for (size_t i = 0; i < padded * d; i++) w0[i] *= weight_scale;
        if (activation == FRG_ACTIVATION_RELU && d == 1) {
            // ReLU at d = 1 (its cost is the loads and stores, not the arithmetic): each block of 8
            // neurons loaded once for all points, no round trip through zs; per lane the same
            // operations in the same order as the loops below (fma, z > 0 ? z : +0, ×W1, +).
            typedef int64_t mask8 __attribute__((vector_size(64), aligned(8)));
            for (size_t i = 0; i < padded; i += 8) {
                lanes8 w, b, a;
                __builtin_memcpy(&w, w0 + i, sizeof w);
                __builtin_memcpy(&b, b0 + i, sizeof b);
                __builtin_memcpy(&a, w1 + i, sizeof a);
                for (int p = 0; p < points; p++) {
                    lanes8 z = __builtin_elementwise_fma(w, (lanes8){0} + inputs[p], b);
                    mask8 positive = z > 0;
                    sums[p] += a * (lanes8)((mask8)z & positive);
                }
            }
            continue;
        }
        for (int p = 0; p < points; p++) {
            const double *x = inputs + (size_t)p * d;
            if (d == 1) {  // the common case, as its own loop so that it vectorizes
                double x0 = x[0];
                for (size_t i = 0; i < padded; i++) zs[i] = w1[i] * activation_body(activation, fma(w0[i], x0, b0[i]));
            } else {
                for (size_t i = 0; i < padded; i++) {
                    double z = b0[i];
                    for (size_t j = 0; j < d; j++) z = fma(w0[i * d + j], x[j], z);
                    zs[i] = w1[i] * activation_body(activation, z);
                }
            }
            lanes8 acc = sums[p];
            for (size_t i = 0; i < padded; i += 8) {
                lanes8 v;
                __builtin_memcpy(&v, zs + i, sizeof v);
                acc += v;
            }
            sums[p] = acc;
        }
    }
}

FRG_CLONES
void frg_activation_direct(uint64_t key, uint64_t stream, uint64_t first, int width, int points, int dim,
                           const double *inputs, int activation, double weight_scale, double bias_scale,
                           double readout_scale, double *field) {
    lanes8 sums[FRG_ACTIVATION_MAX_POINTS];
    switch (activation) {
    case FRG_ACTIVATION_RELU:
        activation_sum(FRG_ACTIVATION_RELU, key, stream, first, width, points, dim, inputs, weight_scale,
                       bias_scale, readout_scale, sums);
        break;
    case FRG_ACTIVATION_ERF:
        activation_sum(FRG_ACTIVATION_ERF, key, stream, first, width, points, dim, inputs, weight_scale,
                       bias_scale, readout_scale, sums);
        break;
    default:
        activation_sum(FRG_ACTIVATION_TANH, key, stream, first, width, points, dim, inputs, weight_scale,
                       bias_scale, readout_scale, sums);
    }
    for (int p = 0; p < points; p++) field[p] = fold8(&sums[p]);
}
