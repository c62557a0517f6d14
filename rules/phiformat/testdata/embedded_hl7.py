# A test module holding an HL7 message as string literals.
SAMPLE = "\r".join(
    [
        "MSH|^~\\&|LAB|FAC|OE|FAC|202401050930||ORU^R01|CTRL-1|P|2.4",
        "PID|||664-20-1187^^^SSA^SS||PENDERGAST^NOLA^K^^^^L||19830715|F|||812 Sumac Trail^^Yellow Springs^OH^45387||(937)555-2714",
        "OBX|1|SN|1554-5^GLUCOSE||^182|mg/dl|70_105|H|||F",
    ]
)
INLINE = 'MSH|^~\\&|A|B|C|D|2024||ADT^A08|9|P|2.3\rPID|1||44120983^^^H^MR||ABERNATHY^CYRUS'
