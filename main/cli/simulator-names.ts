/**
 * The simulators `balcao simulate` knows, by name, without loading them (the
 * eSCL and SBI services pull in their XML and JOSE libraries): the command's
 * help and its check of the name use this list; simulate.ts must offer the same.
 */
export const simulatorNames = ['r30x', 'ef01', 'gt5xx', 'desko', '3m', 'lines', 'escl', 'sbi'] as const;
